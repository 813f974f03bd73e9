using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.Mutants;

/// <summary>
/// R15 vs R14: the compacted size query answered with the standard size of the same components — the mistake of a
/// kernel or VMM author who sizes an XSAVES/XSAVEC buffer with the uABI formula (too big without gaps, too small when
/// a supervisor component sits above every user one, which has no standard offset).
/// </summary>
public sealed class CompactedSizeIsStandard(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:compacted-size-is-standard";
    public override string Description => "R15: the compacted size of XCOMP_BV is answered with the standard (R14) size";
    public override string Source => "kernel/VMM author mistake: xstate_calculate_size's compacted walk replaced by the uABI size (cf. H13, H16)";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override int CompactedSize(FeatureMask xcompBv) => Inner.StandardSize(xcompBv & ~FeatureMask.Bit(63));
    }
}
