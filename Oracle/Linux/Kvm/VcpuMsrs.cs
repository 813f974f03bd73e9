using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// The XSAVE-related MSRs (R82-R84): IA32_XSS, IA32_XFD, IA32_XFD_ERR and the XSTATE-managed CET MSRs, from userspace
/// (KVM_GET/SET_MSRS, host-initiated) and from the guest (RDMSR/WRMSR exits).
/// </summary>
public sealed class VcpuMsrs
{
    /// <summary>kvm_{get,set}_msr_common's verdict: 0, 1 (fail), or KVM_MSR_RET_UNSUPPORTED.</summary>
    internal enum MsrAccess { Ok, Fail, Unsupported }

    private readonly Vcpu _vcpu;

    internal VcpuMsrs(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>vcpu->arch.ia32_xss (R82).</summary>
    public FeatureMask Xss { get; private set; }

    /// <summary>IA32_S_CET: not XSTATE-managed (kept in the VMCS/VMCB by the vendor module, R84).</summary>
    public ulong SCet { get; private set; }

    private VcpuCpuid Cpuid => _vcpu.Cpuid;
    private VcpuFpu Fpu => _vcpu.Fpu;
    private KvmCaps Caps => _vcpu.Kvm.Caps;

    /// <summary>
    /// KVM_SET_MSRS: returns how many entries were written before the first failure (the ioctl's return value). The
    /// guest FPU is loaded around the loop when an XSTATE-managed MSR is among them (R84).
    /// </summary>
    public KResult SetMsrs(params (uint Index, ulong Data)[] entries)
    {
        if (_vcpu.Dead) return Errno.EIO;
        bool fpuLoaded = false;
        int done = 0;
        foreach (var (index, data) in entries)
        {
            if (!fpuLoaded && IsXstateManagedMsr(index))
            {
                Fpu.LoadGuestFpu();
                fpuLoaded = true;
            }
            if (DoMsrAccess(index, data, hostInitiated: true, write: true, out _) != MsrAccess.Ok) break;
            done++;
        }
        if (fpuLoaded) Fpu.PutGuestFpu();
        return KResult.Of(done);
    }

    /// <summary>KVM_GET_MSRS: how many entries were read before the first failure, and their values.</summary>
    public KvmRead<IReadOnlyList<ulong>> GetMsrs(params uint[] indices)
    {
        if (_vcpu.Dead) return new(Errno.EIO, []);
        bool fpuLoaded = false;
        var values = new List<ulong>();
        foreach (var index in indices)
        {
            if (!fpuLoaded && IsXstateManagedMsr(index))
            {
                Fpu.LoadGuestFpu();
                fpuLoaded = true;
            }
            if (DoMsrAccess(index, 0, hostInitiated: true, write: false, out ulong value) != MsrAccess.Ok) break;
            values.Add(value);
        }
        if (fpuLoaded) Fpu.PutGuestFpu();
        return new(KResult.Of(values.Count), values);
    }

    /// <summary>The guest's WRMSR: refused -> #GP(0) injected (ignore_msrs off).</summary>
    public GuestOutcome GuestWrmsr(uint index, ulong data) =>
        DoMsrAccess(index, data, hostInitiated: false, write: true, out _) == MsrAccess.Ok
            ? GuestOutcome.Completed : GuestOutcome.InjectedGp;

    /// <summary>The guest's RDMSR: refused -> #GP(0) injected.</summary>
    public GuestRead GuestRdmsr(uint index) =>
        DoMsrAccess(index, 0, hostInitiated: false, write: false, out ulong value) == MsrAccess.Ok
            ? new(GuestOutcome.Completed, value) : new(GuestOutcome.InjectedGp, 0);

    /// <summary>
    /// kvm_do_msr_access: a failed read yields 0; KVM_MSR_RET_UNSUPPORTED becomes success for userspace reading, or
    /// writing 0 to, an MSR KVM advertises (msrs_to_save); otherwise it is a failure.
    /// </summary>
    internal MsrAccess DoMsrAccess(uint index, ulong data, bool hostInitiated, bool write, out ulong value)
    {
        value = 0;
        var ret = write ? SetMsrCommon(index, data, hostInitiated) : GetMsrCommon(index, hostInitiated, out value);
        if (ret != MsrAccess.Ok && !write) value = 0;
        if (ret != MsrAccess.Unsupported) return ret;
        if (hostInitiated && (write ? data : value) == 0 && IsAdvertisedMsr(index)) return MsrAccess.Ok;
        return MsrAccess.Fail;
    }

    /// <summary>kvm_is_advertised_msr for the modelled MSRs: in msrs_to_save only when KVM supports the feature.</summary>
    private bool IsAdvertisedMsr(uint index) => index switch
    {
        MsrIndex.Ia32Xss => !Caps.SupportedXss.IsEmpty,
        MsrIndex.Ia32Xfd or MsrIndex.Ia32XfdErr => Caps.Xfd,
        MsrIndex.Ia32UCet or MsrIndex.Ia32SCet => Caps.Shstk || Caps.Ibt,
        >= MsrIndex.Ia32Pl0Ssp and <= MsrIndex.Ia32Pl3Ssp => Caps.Shstk,
        _ => false,
    };

    /// <summary>is_xstate_managed_msr (R84): U_CET with guest SHSTK or IBT, PL0..PL3_SSP with guest SHSTK.</summary>
    private bool IsXstateManagedMsr(uint index) => index switch
    {
        MsrIndex.Ia32UCet => Cpuid.GuestHasShstk || Cpuid.GuestHasIbt,
        >= MsrIndex.Ia32Pl0Ssp and <= MsrIndex.Ia32Pl3Ssp => Cpuid.GuestHasShstk,
        _ => false,
    };

    private MsrAccess SetMsrCommon(uint index, ulong data, bool hostInitiated)
    {
        switch (index)
        {
            case MsrIndex.Ia32Xss:
                // R82: without XSAVES in the guest CPUID the MSR does not exist for this guest.
                if (!Cpuid.GuestHasXsaves) return MsrAccess.Unsupported;
                // R82: only supervisor states this guest may use (PT bit 8 never).
                if (!new FeatureMask(data).IsSubsetOf(Cpuid.GuestSupportedXss)) return MsrAccess.Fail;
                if (Xss.Bits != data)
                {
                    Xss = new FeatureMask(data);
                    Cpuid.DynamicBitsDirty = true; // R77: 0xD.1 EBX depends on XSS
                }
                return MsrAccess.Ok;

            case MsrIndex.Ia32Xfd:
                // R83: the guest needs XFD in its CPUID; userspace may always write.
                if (!hostInitiated && !Cpuid.GuestHasXfd) return MsrAccess.Fail;
                // R83: only dynamic features this guest may enable.
                if (!new FeatureMask(data).IsSubsetOf(Cpuid.GuestSupportedXcr0 & XfeatureMasks.UserDynamic)) return MsrAccess.Fail;
                Fpu.UpdateGuestXfd(new FeatureMask(data)); // R87
                return MsrAccess.Ok;

            case MsrIndex.Ia32XfdErr:
                if (!hostInitiated && !Cpuid.GuestHasXfd) return MsrAccess.Fail;
                if (!new FeatureMask(data).IsSubsetOf(Cpuid.GuestSupportedXcr0 & XfeatureMasks.UserDynamic)) return MsrAccess.Fail;
                Fpu.GuestFpu.XfdErr = data;
                return MsrAccess.Ok;

            case MsrIndex.Ia32UCet:
            case MsrIndex.Ia32SCet:
                if (!Cpuid.GuestHasShstk && !Cpuid.GuestHasIbt) return MsrAccess.Unsupported;
                if (!IsValidUsCet(data)) return MsrAccess.Fail;
                if (index == MsrIndex.Ia32SCet) SCet = data;
                else WriteXstateMsr(index, data);
                return MsrAccess.Ok;

            case >= MsrIndex.Ia32Pl0Ssp and <= MsrIndex.Ia32Pl3Ssp:
                if (!Cpuid.GuestHasShstk) return MsrAccess.Unsupported;
                // R84: SSPs are canonical and 4-byte aligned.
                if (!IsCanonical48(data) || data % 4 != 0) return MsrAccess.Fail;
                WriteXstateMsr(index, data);
                return MsrAccess.Ok;

            default:
                return MsrAccess.Unsupported;
        }
    }

    private MsrAccess GetMsrCommon(uint index, bool hostInitiated, out ulong value)
    {
        value = 0;
        switch (index)
        {
            case MsrIndex.Ia32Xss:
                // R82: userspace can always read it; the guest needs XSAVES.
                if (!hostInitiated && !Cpuid.GuestHasXsaves) return MsrAccess.Fail;
                value = Xss.Bits;
                return MsrAccess.Ok;

            case MsrIndex.Ia32Xfd:
                if (!hostInitiated && !Cpuid.GuestHasXfd) return MsrAccess.Fail;
                value = Fpu.Fpstate.Xfd.Bits;
                return MsrAccess.Ok;

            case MsrIndex.Ia32XfdErr:
                if (!hostInitiated && !Cpuid.GuestHasXfd) return MsrAccess.Fail;
                value = Fpu.GuestFpu.XfdErr;
                return MsrAccess.Ok;

            case MsrIndex.Ia32UCet:
            case MsrIndex.Ia32SCet:
                if (!Cpuid.GuestHasShstk && !Cpuid.GuestHasIbt) return MsrAccess.Unsupported;
                value = index == MsrIndex.Ia32SCet ? SCet : ReadXstateMsr(index);
                return MsrAccess.Ok;

            case >= MsrIndex.Ia32Pl0Ssp and <= MsrIndex.Ia32Pl3Ssp:
                if (!Cpuid.GuestHasShstk) return MsrAccess.Unsupported;
                value = ReadXstateMsr(index);
                return MsrAccess.Ok;

            default:
                return MsrAccess.Unsupported;
        }
    }

    /// <summary>
    /// kvm_is_valid_u_s_cet, partly: reserved bits 9:6; shadow-stack bits (1:0) need guest SHSTK; IBT bits (5:2, 10, 11,
    /// the legacy bitmap 63:12) need guest IBT; the bitmap base is 4-aligned; SUPPRESS with WAIT_ENDBR is refused.
    /// </summary>
    private bool IsValidUsCet(ulong data)
    {
        const ulong reserved = 0xFUL << 6;
        const ulong shstkBits = 0x3;
        const ulong ibtBits = (0xFUL << 2) | (1UL << 10) | (1UL << 11) | ~0xFFFUL;
        if ((data & reserved) != 0) return false;
        if (!Cpuid.GuestHasShstk && (data & shstkBits) != 0) return false;
        if (!Cpuid.GuestHasIbt && (data & ibtBits) != 0) return false;
        if (((data >> 12) & 3) != 0) return false;
        if ((data & (1UL << 10)) != 0 && (data & (1UL << 11)) != 0) return false;
        return true;
    }

    private static bool IsCanonical48(ulong value)
    {
        ulong top = value >> 47;
        return top == 0 || top == (1UL << 17) - 1;
    }

    /// <summary>Where an XSTATE-managed MSR lives: CET_USER = {U_CET, PL3_SSP}, CET_KERNEL = {PL0, PL1, PL2_SSP} (R84).</summary>
    private static (int Component, int Offset) XstateMsrLocation(uint index) => index switch
    {
        MsrIndex.Ia32UCet => ((int)XFeature.CetUser, 0),
        MsrIndex.Ia32Pl3Ssp => ((int)XFeature.CetUser, 8),
        _ => ((int)XFeature.CetKernel, (int)(index - MsrIndex.Ia32Pl0Ssp) * 8),
    };

    /// <summary>
    /// kvm_set_xstate_msr: WRMSR while the guest FPU is loaded (KVM_BUG_ON otherwise); the next XSAVES then stores the
    /// component, so the model writes it into the guest fpstate as in use.
    /// </summary>
    private void WriteXstateMsr(uint index, ulong data)
    {
        if (!Fpu.Fpstate.InUse)
        {
            _vcpu.Vm.Bug("kvm_set_xstate_msr: guest FPU not loaded");
            return;
        }
        var (component, offset) = XstateMsrLocation(index);
        var image = TaskRegisters.Component(_vcpu.Boot, Fpu.Fpstate, component);
        // A CPUID whose CET sub-leaf is shorter than the register (corrupt dumps) has nowhere to save it: XSAVES stores
        // only EAX bytes, so the value does not survive in the buffer.
        if (offset + 8 > image.Length) return;
        BitConverter.TryWriteBytes(image.AsSpan(offset, 8), data);
        TaskRegisters.Load(_vcpu.Boot, Fpu.Fpstate, component, image);
    }

    private ulong ReadXstateMsr(uint index)
    {
        if (!Fpu.Fpstate.InUse)
        {
            _vcpu.Vm.Bug("kvm_get_xstate_msr: guest FPU not loaded");
            return 0;
        }
        var (component, offset) = XstateMsrLocation(index);
        var image = TaskRegisters.Component(_vcpu.Boot, Fpu.Fpstate, component);
        return offset + 8 <= image.Length ? BitConverter.ToUInt64(image, offset) : 0;
    }
}
