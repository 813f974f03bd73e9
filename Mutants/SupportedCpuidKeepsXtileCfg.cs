using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H10 (R75, R76, I17): kvm_get_filtered_xcr0 after 445ecdf79be0 but before the follow-up — the dynamic XTILE_DATA is
/// dropped when the calling process lacks the guest permission, XTILE_CFG is not, so KVM_GET_SUPPORTED_CPUID leaf 0xD
/// offers half of the AMX bundle (sub-leaf 0 EAX[17], its sub-leaf, and sizes that count it); a VMM feeding that back
/// gets a guest whose XSETBV with XTILE_CFG #GPs. Put back through the contract: the correct answer with XTILE_CFG
/// added and the sizes recomputed (xstate_required_size from the host's CPUID) as the buggy kernel computed them.
/// </summary>
public sealed class SupportedCpuidKeepsXtileCfg(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h10-supported-cpuid-keeps-xtilecfg";
    public override string Description => "H10/R75/I17: KVM_GET_SUPPORTED_CPUID offers XTILE_CFG without XTILE_DATA when TILEDATA is not permitted";
    public override string Source => "KVM: x86: Filter out XTILE_CFG if XTILE_DATA isn't permitted (Sean Christopherson, 2023, reported by Aaron Lewis; follow-up to 445ecdf79be0), H10";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config), cpu, Inner.Architecture(cpu));

    private const int XtileCfg = (int)XFeature.XtileCfg, XtileData = (int)XFeature.XtileData;
    private const uint Leaf0D1XsavecOrXsaves = 0xA, Leaf0D1Xfd = 0x10;

    private sealed class Broken(IKernel inner, CpuModel cpu, ICpuArchitecture arch) : KernelDecorator(inner)
    {
        public override KernelOutcome Apply(KernelOp op)
        {
            var outcome = Inner.Apply(op);
            if (op is not KvmGetSupportedCpuidOp || outcome is not { Result: 0, Cpuid: { } leaf }) return outcome;
            var sub0 = leaf.FirstOrDefault(e => e.Index == 0);
            if (sub0 is null) return outcome;
            var p = FeatureMask.FromHalves(sub0.Regs.Eax, sub0.Regs.Edx);
            // Only where KVM supports AMX (the host enabled it) and the filter took TILEDATA away.
            if (p.Contains(XtileData) || p.Contains(XtileCfg) || !Inner.Boot.Xcr0.Contains(XtileCfg)) return outcome;
            return outcome with { Cpuid = WithXtileCfg(leaf, p.With(XtileCfg)) };
        }

        private List<CpuidEntry> WithXtileCfg(IReadOnlyList<CpuidEntry> leaf, FeatureMask p)
        {
            var result = new List<CpuidEntry>(leaf.Count + 1);
            var sub1 = leaf.FirstOrDefault(e => e.Index == 1);
            var s = sub1 is null ? FeatureMask.None : FeatureMask.FromHalves(sub1.Regs.Ecx, sub1.Regs.Edx);
            var host17 = cpu.SubLeaf(XtileCfg);
            // R76: the component's sub-leaf from the host, XFD-capable flag only with KVM's XFD, EDX reserved.
            var entry17 = new CpuidEntry(0xD, XtileCfg, new CpuidRegs(host17.Eax, host17.Ebx,
                (sub1?.Regs.Eax & Leaf0D1Xfd) != 0 ? host17.Ecx : host17.Ecx & ~4u, 0));
            bool placed = false;
            foreach (var e in leaf)
            {
                if (!placed && e.Index > XtileCfg) { result.Add(entry17); placed = true; }
                result.Add(e.Index switch
                {
                    0 => e with { Regs = e.Regs with { Eax = e.Regs.Eax | 1u << XtileCfg, Ebx = StandardSize(p), Ecx = StandardSize(p) } },
                    1 when (e.Regs.Eax & Leaf0D1XsavecOrXsaves) != 0 => e with { Regs = e.Regs with { Ebx = CompactedSize(p | s) } },
                    _ => e,
                });
            }
            if (!placed) result.Add(entry17);
            return result;
        }

        // xstate_required_size(mask, false / true) is the standard (R14) / compacted (R15) size of the mask on this CPU:
        // asked of the implementation the mutant wraps rather than computed again here.
        private uint StandardSize(FeatureMask mask) => (uint)arch.StandardSize(mask);

        private uint CompactedSize(FeatureMask mask) => (uint)arch.CompactedSize(mask);
    }
}
