using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Mutants;

/// <summary>
/// H11 (R89, I13, I14): ad856280ddea set the guest fpstate's user_xfeatures to guest_supported_xcr0 | FP | SSE in
/// kvm_vcpu_after_set_cpuid, so after KVM_SET_CPUID2 a KVM_SET_XSAVE whose XSTATE_BV has a feature KVM supports but
/// the guest's CPUID does not is refused with -EINVAL (validate_user_xsave_header) — migration from an older kernel,
/// which exported every supported feature, failed. The fixed kernel checks SET against kvm_caps.supported_xcr0 only
/// and constrains by the guest at GET (which the buggy kernel did too, through user_xfeatures: unchanged here).
/// </summary>
public sealed class SetXsaveChecksGuestCpuid(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h11-set-xsave-checks-guest-cpuid";
    public override string Description => "H11/R89/I14: after KVM_SET_CPUID2, KVM_SET_XSAVE refuses XSTATE_BV bits KVM supports but the guest CPUID lacks";
    public override string Source => "KVM: x86: Constrain guest-supported xfeatures only at KVM_GET_XSAVE{2} + x86/fpu: Allow caller to constrain xfeatures when copying to uabi buffer (Sean Christopherson, 2023; regression from ad856280ddea), H11";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private static readonly FeatureMask FpSse = ArchMasks.FpSse;

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        // vCPUs whose CPUID was set (kvm_vcpu_after_set_cpuid ran): only they have the narrowed user_xfeatures.
        private readonly HashSet<int> _cpuidSet = [];

        public override KernelOutcome Apply(KernelOp op)
        {
            if (op is SetXsaveOp set && Refuses(set)) return new KernelOutcome(-(long)Errno.EINVAL);
            var outcome = Inner.Apply(op);
            if (op is SetCpuid2Op cpuid && outcome.Result == 0) _cpuidSet.Add(cpuid.Vcpu);
            return outcome;
        }

        private bool Refuses(SetXsaveOp set)
        {
            if (!_cpuidSet.Contains(set.Vcpu) || !Inner.Boot.Xsave || XsaveImage.Read(set.Image).XstateBv is not ulong raw) return false;
            if (new FeatureMask(raw).IsSubsetOf(FpSse)) return false;
            var v = Inner.Snapshot()?.Vcpus.ElementAtOrDefault(set.Vcpu);
            if (v is not { Alive: true, Fpstate: { } fps } || set.Image.Length < v.UabiSize) return false; // -EFAULT etc. first
            // A dead VM or a closed fd answers -EIO/-EBADF before any check: a side-effect-free MSR read tells.
            if (Inner.Apply(new GetMsrOp(set.Vcpu, Uapi.Msr.Ia32Xfd)).Result != 1) return false;
            // R89: the XFD-disabled features are dropped first; then the narrowed user_xfeatures refuse the rest.
            var bv = new FeatureMask(raw) & ~fps.Xfd;
            return !bv.IsSubsetOf(v.GuestSupportedXcr0 | FpSse);
        }
    }
}
