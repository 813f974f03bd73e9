using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;

namespace Xsave.Mutants;

/// <summary>
/// H13 (cc04b6a21d43, "kvm: x86: Fix xstate_required_size() to follow XSTATE alignment rule"): the compacted size
/// ignored CPUID.(0xD,i).ECX[1], so areas holding AMX came out too small.
/// </summary>
public sealed class UnalignedCompactedSize(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h13-unaligned-compacted";
    public override string Description => "H13: compacted size/offsets ignore the 64-byte alignment flag (ECX[1])";
    public override string Source => "cc04b6a21d43 kvm: x86: Fix xstate_required_size() to follow XSTATE alignment rule, H13";

    public override ICpuArchitecture Architecture(CpuModel cpu) => new Broken(Inner.Architecture(cpu));

    private sealed class Broken(ICpuArchitecture inner) : ArchitectureDecorator(inner)
    {
        public override int CompactedSize(FeatureMask xcompBv) => CompactedLayout(xcompBv).Size;

        public override XsaveLayout CompactedLayout(FeatureMask xcompBv)
        {
            int offset = XFeatures.ExtendedRegionStart;
            var placements = new List<ComponentPlacement>();
            foreach (var p in Inner.CompactedLayout(xcompBv).Placements)
            {
                if (p.Index < 2) { placements.Add(p); continue; }
                placements.Add(p with { Offset = offset });
                offset += p.Size;
            }
            return new XsaveLayout(XsaveFormat.Compacted, xcompBv.Without(63), offset, placements);
        }
    }
}
