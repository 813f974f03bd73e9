using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The XSAVE-related MSRs (R82-R84): IA32_XSS, IA32_XFD, IA32_XFD_ERR and the XSTATE-managed CET MSRs, from userspace
/// (KVM_GET/SET_MSRS, host-initiated) and from the guest (RDMSR/WRMSR exits).
/// </summary>
public sealed class VcpuMsrs
{
    /// <summary>kvm_{get,set}_msr_common's verdict: 0, 1 (fail) or KVM_MSR_RET_UNSUPPORTED.</summary>
    internal enum MsrRet : byte { Ok, Fail, Unsupported }

    private readonly Vcpu _vcpu;

    internal VcpuMsrs(Vcpu vcpu) => _vcpu = vcpu;

    /// <summary>vcpu->arch.ia32_xss (R82).</summary>
    public ulong Xss { get; private set; }

    /// <summary>IA32_S_CET: kept by the vendor module, not in XSTATE (R84).</summary>
    public ulong SCet { get; private set; }

    private VcpuCpuid Cpuid => _vcpu.Cpuid;
    private VcpuFpu Fpu => _vcpu.Fpu;
    private KvmCaps Caps => _vcpu.Kvm.Caps;
    private BootTables Boot => _vcpu.Boot;

    /// <summary>
    /// KVM_SET_MSRS with one entry: the number of MSRs written (0 or 1). The guest FPU is loaded around the access when
    /// the MSR is XSTATE-managed (R84).
    /// </summary>
    public long SetMsr(TaskGroup group, uint index, ulong data)
    {
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        bool load = IsXstateManagedMsr(index);
        if (load) Fpu.LoadGuestFpu(group);
        bool ok = DoMsrAccess(index, ref data, hostInitiated: true, write: true) == MsrRet.Ok;
        if (load) Fpu.PutGuestFpu(group);
        return ok ? 1 : 0;
    }

    /// <summary>KVM_GET_MSRS with one entry: the number read (0 or 1) and the value.</summary>
    public long GetMsr(TaskGroup group, uint index, out ulong value)
    {
        value = 0;
        if (_vcpu.Vm.Dead) return Vcpu.Errors.EIO;
        bool load = IsXstateManagedMsr(index);
        if (load) Fpu.LoadGuestFpu(group);
        bool ok = DoMsrAccess(index, ref value, hostInitiated: true, write: false) == MsrRet.Ok;
        if (load) Fpu.PutGuestFpu(group);
        return ok ? 1 : 0;
    }

    /// <summary>The guest's WRMSR: false = #GP(0) injected.</summary>
    internal bool GuestWrmsr(uint index, ulong data) =>
        DoMsrAccess(index, ref data, hostInitiated: false, write: true) == MsrRet.Ok;

    /// <summary>The guest's RDMSR: false = #GP(0) injected.</summary>
    internal bool GuestRdmsr(uint index, out ulong value)
    {
        value = 0;
        return DoMsrAccess(index, ref value, hostInitiated: false, write: false) == MsrRet.Ok;
    }

    /// <summary>
    /// kvm_do_msr_access: a failed read yields 0; KVM_MSR_RET_UNSUPPORTED is forgiven when userspace reads, or writes
    /// 0 to, an MSR KVM advertises (msrs_to_save); otherwise it fails.
    /// </summary>
    internal MsrRet DoMsrAccess(uint index, ref ulong data, bool hostInitiated, bool write)
    {
        var ret = write ? SetMsrCommon(index, data, hostInitiated) : GetMsrCommon(index, hostInitiated, out data);
        if (ret != MsrRet.Ok && !write) data = 0;
        if (ret != MsrRet.Unsupported) return ret;
        return hostInitiated && data == 0 && IsAdvertisedMsr(index) ? MsrRet.Ok : MsrRet.Fail;
    }

    /// <summary>kvm_is_advertised_msr for the modelled MSRs.</summary>
    private bool IsAdvertisedMsr(uint index) => index switch
    {
        KvmAbi.MsrXss => Caps.SupportedXss != 0,
        KvmAbi.MsrXfd or KvmAbi.MsrXfdErr => Caps.Xfd,
        KvmAbi.MsrUCet or KvmAbi.MsrSCet => Caps.Shstk || Caps.Ibt,
        >= KvmAbi.MsrPl0Ssp and <= KvmAbi.MsrPl3Ssp => Caps.Shstk,
        _ => false,
    };

    /// <summary>is_xstate_managed_msr (R84): U_CET with guest SHSTK or IBT, PL0..PL3_SSP with guest SHSTK.</summary>
    private bool IsXstateManagedMsr(uint index) => index switch
    {
        KvmAbi.MsrUCet => Cpuid.Has(GuestCaps.Shstk | GuestCaps.Ibt),
        >= KvmAbi.MsrPl0Ssp and <= KvmAbi.MsrPl3Ssp => Cpuid.Has(GuestCaps.Shstk),
        _ => false,
    };

    private MsrRet SetMsrCommon(uint index, ulong data, bool hostInitiated)
    {
        switch (index)
        {
            case KvmAbi.MsrXss:
                // R82: the MSR exists for the guest only with XSAVES; only supervisor states it may use.
                if (!Cpuid.Has(GuestCaps.Xsaves)) return MsrRet.Unsupported;
                if ((data & ~Cpuid.GuestSupportedXss) != 0) return MsrRet.Fail;
                if (Xss != data)
                {
                    Xss = data;
                    Cpuid.DynamicBitsDirty = true; // R77: 0xD.1 EBX depends on XSS
                }
                return MsrRet.Ok;

            case KvmAbi.MsrXfd:
                // R83: the guest needs XFD; only dynamic features this guest may use.
                if (!hostInitiated && !Cpuid.Has(GuestCaps.Xfd)) return MsrRet.Fail;
                if ((data & ~(Cpuid.GuestSupportedXcr0 & KvmAbi.UserDynamic)) != 0) return MsrRet.Fail;
                Fpu.UpdateGuestXfd(data); // R87
                return MsrRet.Ok;

            case KvmAbi.MsrXfdErr:
                if (!hostInitiated && !Cpuid.Has(GuestCaps.Xfd)) return MsrRet.Fail;
                if ((data & ~(Cpuid.GuestSupportedXcr0 & KvmAbi.UserDynamic)) != 0) return MsrRet.Fail;
                Fpu.GuestFpu.XfdErr = data;
                return MsrRet.Ok;

            case KvmAbi.MsrUCet:
            case KvmAbi.MsrSCet:
                if (!Cpuid.Has(GuestCaps.Shstk | GuestCaps.Ibt)) return MsrRet.Unsupported;
                if (!IsValidUsCet(data)) return MsrRet.Fail;
                if (index == KvmAbi.MsrSCet) SCet = data;
                else WriteXstateMsr(index, data);
                return MsrRet.Ok;

            case >= KvmAbi.MsrPl0Ssp and <= KvmAbi.MsrPl3Ssp:
                if (!Cpuid.Has(GuestCaps.Shstk)) return MsrRet.Unsupported;
                // R84: SSPs are canonical (48-bit) and 4-byte aligned.
                if (!IsCanonical48(data) || (data & 3) != 0) return MsrRet.Fail;
                WriteXstateMsr(index, data);
                return MsrRet.Ok;

            default:
                return MsrRet.Unsupported;
        }
    }

    private MsrRet GetMsrCommon(uint index, bool hostInitiated, out ulong value)
    {
        value = 0;
        switch (index)
        {
            case KvmAbi.MsrXss:
                if (!hostInitiated && !Cpuid.Has(GuestCaps.Xsaves)) return MsrRet.Fail;
                value = Xss;
                return MsrRet.Ok;

            case KvmAbi.MsrXfd:
                if (!hostInitiated && !Cpuid.Has(GuestCaps.Xfd)) return MsrRet.Fail;
                value = Fpu.Fpstate.Xfd;
                return MsrRet.Ok;

            case KvmAbi.MsrXfdErr:
                if (!hostInitiated && !Cpuid.Has(GuestCaps.Xfd)) return MsrRet.Fail;
                value = Fpu.GuestFpu.XfdErr;
                return MsrRet.Ok;

            case KvmAbi.MsrUCet:
            case KvmAbi.MsrSCet:
                if (!Cpuid.Has(GuestCaps.Shstk | GuestCaps.Ibt)) return MsrRet.Unsupported;
                value = index == KvmAbi.MsrSCet ? SCet : ReadXstateMsr(index);
                return MsrRet.Ok;

            case >= KvmAbi.MsrPl0Ssp and <= KvmAbi.MsrPl3Ssp:
                if (!Cpuid.Has(GuestCaps.Shstk)) return MsrRet.Unsupported;
                value = ReadXstateMsr(index);
                return MsrRet.Ok;

            default:
                return MsrRet.Unsupported;
        }
    }

    // kvm_is_valid_u_s_cet bits: reserved 9:6; shadow-stack enables 1:0; IBT controls 5:2, 10, 11 and the legacy
    // bitmap base 63:12.
    private const ulong CetReserved = 0xFUL << 6, CetShstkBits = 0x3,
        CetIbtBits = 0xFUL << 2 | 1UL << 10 | 1UL << 11 | ~0xFFFUL,
        CetSuppress = 1UL << 10, CetWaitEndbr = 1UL << 11, CetBitmapLow = 3UL << 12;

    /// <summary>
    /// kvm_is_valid_u_s_cet: no reserved bits; shadow-stack bits need guest SHSTK, IBT bits guest IBT; the bitmap base
    /// 4-aligned; SUPPRESS and WAIT_ENDBR not both.
    /// </summary>
    private bool IsValidUsCet(ulong data)
    {
        if ((data & CetReserved) != 0) return false;
        if (!Cpuid.Has(GuestCaps.Shstk) && (data & CetShstkBits) != 0) return false;
        if (!Cpuid.Has(GuestCaps.Ibt) && (data & CetIbtBits) != 0) return false;
        if ((data & CetBitmapLow) != 0) return false;
        return (data & (CetSuppress | CetWaitEndbr)) != (CetSuppress | CetWaitEndbr);
    }

    private static bool IsCanonical48(ulong value)
    {
        ulong top = value >> 47;
        return top == 0 || top == (1UL << 17) - 1;
    }

    /// <summary>Where an XSTATE-managed MSR lives (R84): CET_USER = {U_CET, PL3_SSP}, CET_KERNEL = {PL0, PL1, PL2_SSP}.</summary>
    private static (int Component, int Offset) XstateMsrLocation(uint index) => index switch
    {
        KvmAbi.MsrUCet => (KvmAbi.CetUser, 0),
        KvmAbi.MsrPl3Ssp => (KvmAbi.CetUser, 8),
        _ => (KvmAbi.CetKernel, (int)(index - KvmAbi.MsrPl0Ssp) * 8),
    };

    /// <summary>
    /// kvm_set_xstate_msr: WRMSR with the guest FPU loaded (KVM_BUG_ON otherwise); the next XSAVES stores the
    /// component as in use, so the buffer gets the value and XSTATE_BV the bit (a component that was in init state
    /// starts from zeros). A CPUID whose CET sub-leaf is too short to hold the register keeps nothing.
    /// </summary>
    private void WriteXstateMsr(uint index, ulong data)
    {
        var fps = Fpu.Fpstate;
        if (!fps.InUse)
        {
            _vcpu.Vm.Bug();
            return;
        }
        var (component, offset) = XstateMsrLocation(index);
        int size = Boot.Tables.Size(component);
        if (offset + 8 > size) return;
        int at = FpstateOps.RawAddr(Boot, fps, component);
        if (at < 0) return;
        var regs = fps.Regs.AsSpan(at, size);
        if ((fps.XstateBv >> component & 1) == 0) regs.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(regs[offset..], data);
        fps.XstateBv |= 1UL << component;
    }

    /// <summary>kvm_get_xstate_msr: RDMSR with the guest FPU loaded; a component in init state reads 0.</summary>
    private ulong ReadXstateMsr(uint index)
    {
        var fps = Fpu.Fpstate;
        if (!fps.InUse)
        {
            _vcpu.Vm.Bug();
            return 0;
        }
        var (component, offset) = XstateMsrLocation(index);
        if (offset + 8 > Boot.Tables.Size(component)) return 0;
        int at = FpstateOps.XsaveAddr(Boot, fps, component);
        return at < 0 ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(fps.Regs.AsSpan(at + offset, 8));
    }
}
