using Xsave.Contract.Implementations;

namespace Xsave.Mutants;

/// <summary>Every mutant, built on top of a given correct implementation.</summary>
public static class MutantCatalog
{
    public static IReadOnlyList<MutantImplementation> All(IXstateImplementation correct) =>
    [
        new UnalignedCompactedSize(correct),
        new HalfAmxAccepted(correct),
        new XsavecKeepsOldBv(correct),
        new XsaveoptSkipsWithoutRestore(correct),
        new Erratum1386IgnoresMicrocode(correct),
        new HostFpstatesCarryCetKernel(correct),
        new RequestDropsSupervisorPermissions(correct),
        new GetXsaveIgnoresLimit(correct),
        new CpuidStaleAfterRun(correct),
        new ExecKeepsPkruZero(correct),
        new GetXsaveDropsGuestPkru(correct),
        new XfdNmSurvived(correct),
        new ClearCpuidNoClosure(correct),
    ];
}
