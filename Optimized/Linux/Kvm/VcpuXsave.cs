using System.Buffers;
using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Uabi;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// R89: KVM_GET_XSAVE, KVM_GET_XSAVE2 and KVM_SET_XSAVE over spans. GET filters by what the guest may use
/// (guest_supported_xcr0 | FP | SSE); SET validates against what KVM supports (supported_xcr0), the asymmetry that keeps
/// migration from older kernels working (H11, KO §3g). SET works on the caller's image in place: the only copy is
/// the rare one needed to drop XFD-disabled features from its header.
/// </summary>
public sealed class VcpuXsave
{
    private readonly Vcpu _vcpu;

    internal VcpuXsave(Vcpu vcpu) => _vcpu = vcpu;

    private BootTables Boot => _vcpu.Boot;
    private KvmVm Vm => _vcpu.Vm;
    private Fpstate Fpstate => _vcpu.Fpu.Fpstate;

    /// <summary>
    /// KVM_GET_XSAVE into <paramref name="to"/> (4096 bytes, zeroed or not): -Vcpu.Errors.EINVAL once uabi_size exceeds 4096 (AMX
    /// enabled through KVM_SET_CPUID2); else filled like KVM_GET_XSAVE2.
    /// </summary>
    public long GetXsave(Span<byte> to)
    {
        if (Vm.Dead) return Vcpu.Errors.EIO;
        if (_vcpu.Fpu.GuestFpu.UabiSize > KvmAbi.KvmXsaveSize) return Vcpu.Errors.EINVAL;
        return GetXsave2(to);
    }

    /// <summary>
    /// kvm_vcpu_ioctl_x86_get_xsave2 into <paramref name="to"/> (uabi_size bytes for KVM_GET_XSAVE2): confidential
    /// state -> -Vcpu.Errors.EINVAL for protected VMs, else 0 with nothing copied; otherwise R70 in XSAVE mode with xfeatures =
    /// guest_supported_xcr0 | FPSSE and PKRU = vcpu.pkru. Host without XSAVE: the 512-byte FXSAVE image with
    /// XSTATE_BV = FPSSE and zeros after, restorable on an XSAVE host.
    /// </summary>
    public long GetXsave2(Span<byte> to)
    {
        if (Vm.Dead) return Vcpu.Errors.EIO;
        var fps = Fpstate;
        if (fps.IsConfidential) return Vm.HasProtectedState ? Vcpu.Errors.EINVAL : 0;

        if (Boot.XsaveEnabled)
        {
            XstateToUabi.Copy(Boot, fps, to, _vcpu.Cpuid.GuestSupportedXcr0 | KvmAbi.FpSse, _vcpu.Fpu.Pkru, CopyMode.Xsave);
            return 0;
        }
        fps.Regs.AsSpan(0, KvmAbi.LegacySize).CopyTo(to);
        to[KvmAbi.LegacySize..].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(to[KvmAbi.XstateBvOffset..], KvmAbi.FpSse);
        return 0;
    }

    /// <summary>
    /// KVM_SET_XSAVE: uabi_size bytes are read from <paramref name="image"/> (-Vcpu.Errors.EFAULT if it is shorter; extra bytes
    /// are not read); confidential state as for GET; XSTATE_BV &amp;= ~fpstate.xfd silently (H6: backward
    /// compatibility); then fpu_copy_uabi_to_guest_fpstate against kvm_caps.supported_xcr0.
    /// </summary>
    public long SetXsave(ReadOnlySpan<byte> image)
    {
        if (Vm.Dead) return Vcpu.Errors.EIO;
        int size = (int)_vcpu.Fpu.GuestFpu.UabiSize;
        if (image.Length < size) return Vcpu.Errors.EFAULT;
        var uabi = image[..size];

        var fps = Fpstate;
        if (fps.IsConfidential) return Vm.HasProtectedState ? Vcpu.Errors.EINVAL : 0;

        ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(uabi[KvmAbi.XstateBvOffset..]);
        if ((bv & fps.Xfd) == 0) return CopyUabiToGuestFpstate(uabi, bv);

        // R89, H6: the XFD-disabled features are dropped from the header, which needs a writable copy (the kernel's
        // memdup_user); pooled, so repeated calls do not allocate.
        byte[] copy = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            uabi.CopyTo(copy);
            bv &= ~fps.Xfd;
            BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(KvmAbi.XstateBvOffset), bv);
            return CopyUabiToGuestFpstate(copy.AsSpan(0, size), bv);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>R89 fpu_copy_uabi_to_guest_fpstate(gfpu, buf, kvm_caps.supported_xcr0, &amp;vcpu.pkru).</summary>
    private long CopyUabiToGuestFpstate(ReadOnlySpan<byte> uabi, ulong bv)
    {
        var fps = Fpstate;
        if (!Boot.XsaveEnabled)
        {
            // R89: without XSAVE only an FXSAVE image is taken; MXCSR is always checked.
            if ((bv & ~KvmAbi.FpSse) != 0) return Vcpu.Errors.EINVAL;
            uint mxcsr = BinaryPrimitives.ReadUInt32LittleEndian(uabi[KvmAbi.MxcsrOffset..]);
            if ((mxcsr & ~Boot.MxcsrFeatureMask) != 0) return Vcpu.Errors.EINVAL;
            uabi[..KvmAbi.LegacySize].CopyTo(fps.Regs);
            return 0;
        }

        // R89, H11: validated against what KVM supports, not this guest's CPUID or XCR0.
        if ((bv & ~_vcpu.Kvm.Caps.SupportedXcr0) != 0) return Vcpu.Errors.EINVAL;
        // R89: an XFD-disabled feature in XSTATE_BV would #NM at the next XRSTOR (unreachable after the masking).
        if ((bv & fps.Xfd) != 0)
        {
            _vcpu.Warn();
            return Vcpu.Errors.EINVAL;
        }

        // R89: vcpu.pkru changes only when the image carries PKRU (a NULL pkru pointer otherwise).
        if ((bv & KvmAbi.MaskPkru) == 0) return UabiToXstate.Copy(Boot, fps, uabi);
        uint pkru = _vcpu.Fpu.Pkru;
        long r = UabiToXstate.Copy(Boot, fps, uabi, ref pkru, updatePkru: true);
        if (r == 0) _vcpu.Fpu.Pkru = pkru;
        return r;
    }
}
