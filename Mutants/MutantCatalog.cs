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
        new SigframePkruBitNotForced(correct),
        new SigframeInitValuesZero(correct),
        new SigreturnFailureKeepsState(correct),
        new SigreturnChecksHeader(correct),
        new SigframeAltstackUnchecked(correct),
        new MinSigStkSzWithoutFsave(correct),
        new CompactedSizeIsStandard(correct),
        new XrstorAcceptsReservedMxcsr(correct),
        new XrstorIgnoresCompactionBit(correct),
        new Xcr0AvxWithoutSseAccepted(correct),
        new Xsave2CapBelowKvmXsave(correct),
        new VcpuInitKeepsMpx(correct),
        new GuestPermGetLeaksSupervisor(correct),
        new PtraceSetShortAccepted(correct),
        new GuestPermNotLocked(correct),
        new ExecKeepsPermissions(correct),
        new SigaltstackCheckInverted(correct),
        new ErratumNotAppliedOnZen(correct),
        new ExitKeepsVcpuFpstate(correct),
        new ExecKeepsSiblingThreads(correct),
        new InitClearsAvxRegisters(correct),
        new ClearCpuidNoClosure(correct),
        new PtraceSetIgnoresPkru(correct),
        new ApxMpxConflictUnchecked(correct),
        new LbrInXssWithoutEnumeration(correct),
        new CompactedOffsetsOfMaxFeatures(correct),
        new SetXsaveKeepsXfdBits(correct),
        new SupportedCpuidKeepsXtileCfg(correct),
        new SetXsaveChecksGuestCpuid(correct),
        new GuestXfdStartsArmed(correct),
        new CpuidNonIndexedLeavesByIndex(correct),
    ];
}
