using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Registers;

namespace Xsave.Mutants;

/// <summary>
/// H10/H19 in register form: XTILE_CFG accepted without XTILE_DATA (the "&amp;= MASK that should have been &amp;= ~MASK"
/// review catch of H10), so a guest could enable half of the AMX bundle.
/// </summary>
public sealed class HalfAmxAccepted(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:half-amx-xcr0";
    public override string Description => "H10/H19: XCR0 with TILECFG but not TILEDATA is accepted";
    public override string Source => "x86/fpu/xstate: XCR0 bundle checks (XTILE_CFG/XTILE_DATA together), H10/H19";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override ValidityResult CheckXcr0(FeatureMask value)
        {
            var verdict = Inner.CheckXcr0(value);
            var kept = verdict.Rejections.Where(r => r.Code != RejectionCode.AmxHalf).ToList();
            return kept.Count == 0 ? ValidityResult.Ok : new ValidityResult(kept);
        }
    }
}
