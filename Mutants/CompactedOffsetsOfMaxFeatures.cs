using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;

namespace Xsave.Mutants;

/// <summary>
/// H2 (7aa5128b5fea, R15): the compacted offsets were computed once, for the maximum feature set, and used for every
/// XCOMP_BV, as if each component always followed all the enumerated ones before it; with supervisor states or a
/// dynamic feature left out of XCOMP_BV, the components after the gap are placed too far (and the size too large).
/// </summary>
public sealed class CompactedOffsetsOfMaxFeatures(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h2-compacted-offsets-of-max-features";
    public override string Description => "H2/R15: compacted offsets for any XCOMP_BV taken from the layout of every enumerated feature";
    public override string Source => "7aa5128b5fea x86/fpu/xsave: Handle compacted offsets correctly with supervisor states (tglx, Mar 2022), H2";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override int CompactedSize(FeatureMask xcompBv) => CompactedLayout(xcompBv).Size;

        public override XsaveLayout CompactedLayout(FeatureMask xcompBv)
        {
            var wanted = xcompBv.Without(63);
            var placements = Inner.CompactedLayout(Cpu.SupportedAll).Placements
                .Where(p => p.Index < 2 || wanted.Contains(p.Index)).ToList();
            int size = placements.Where(p => p.Index >= 2).Select(p => p.Offset + p.Size).DefaultIfEmpty(XFeatures.ExtendedRegionStart).Max();
            return new XsaveLayout(XsaveFormat.Compacted, wanted, size, placements);
        }
    }
}
