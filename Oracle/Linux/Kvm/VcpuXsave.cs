using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// R89: KVM_GET_XSAVE, KVM_GET_XSAVE2 and KVM_SET_XSAVE on real byte images. GET filters by what the guest may use
/// (guest_supported_xcr0 | FP | SSE); SET validates against what KVM supports (supported_xcr0) - the asymmetry that
/// keeps migration from older kernels working (H11, KO §3g).
/// </summary>
public sealed class VcpuXsave
{
    private readonly Vcpu _vcpu;

    internal VcpuXsave(Vcpu vcpu) => _vcpu = vcpu;

    private BootResult Boot => _vcpu.Boot;
    private KvmVm Vm => _vcpu.Vm;
    private FpuGuest GuestFpu => _vcpu.Fpu.GuestFpu;
    private Fpstate GuestFpstate => _vcpu.Fpu.Fpstate;

    /// <summary>
    /// KVM_GET_XSAVE: -EINVAL once uabi_size exceeds 4096 (AMX enabled through KVM_SET_CPUID2); else a zeroed 4096-byte
    /// struct kvm_xsave filled as KVM_GET_XSAVE2 fills it.
    /// </summary>
    public KvmRead<byte[]> GetXsave()
    {
        if (_vcpu.Dead) return new(Errno.EIO, []);
        if (GuestFpu.UabiSize > KvmCapabilities.KvmXsaveSize) return new(Errno.EINVAL, []);
        var buffer = new byte[KvmCapabilities.KvmXsaveSize];
        var result = GetXsave2Into(buffer);
        return new(result, buffer);
    }

    /// <summary>KVM_GET_XSAVE2: a zeroed buffer of uabi_size bytes (the KVM_CAP_XSAVE2 size userspace allocates).</summary>
    public KvmRead<byte[]> GetXsave2()
    {
        if (_vcpu.Dead) return new(Errno.EIO, []);
        var buffer = new byte[GuestFpu.UabiSize];
        var result = GetXsave2Into(buffer);
        return new(result, buffer);
    }

    /// <summary>
    /// kvm_vcpu_ioctl_x86_get_xsave2: confidential state -> -EINVAL for protected VMs, else 0 with nothing copied;
    /// otherwise R70 in XSAVE mode with xfeatures = guest_supported_xcr0 | FPSSE and PKRU = vcpu.pkru. Without XSAVE on
    /// the host: the 512-byte FXSAVE image with XSTATE_BV = FPSSE, restorable on an XSAVE host.
    /// </summary>
    private KResult GetXsave2Into(byte[] buffer)
    {
        var fps = GuestFpstate;
        if (fps.IsConfidential) return Vm.HasProtectedState ? Errno.EINVAL : KResult.Ok;

        var xfeatures = _vcpu.Cpuid.GuestSupportedXcr0 | XfeatureMasks.FpSse;
        if (Boot.XsaveEnabled)
        {
            var image = XstateToUabi.Copy(Boot, fps, xfeatures, _vcpu.Fpu.Pkru, CopyMode.Xsave, buffer.Length);
            image.CopyTo(buffer, 0);
        }
        else
        {
            fps.Regs.AsSpan(0, LegacyRegion.XstateBv).CopyTo(buffer);
            BitConverter.TryWriteBytes(buffer.AsSpan(LegacyRegion.XstateBv, 8), XfeatureMasks.FpSse.Bits);
        }
        return KResult.Ok;
    }

    /// <summary>
    /// KVM_SET_XSAVE: uabi_size bytes are read from <paramref name="userBuffer"/> (-EFAULT if it is shorter; extra bytes
    /// are not read); confidential state as for GET; XSTATE_BV &amp;= ~fpstate.xfd silently (H6); then
    /// fpu_copy_uabi_to_guest_fpstate against kvm_caps.supported_xcr0.
    /// </summary>
    public KResult SetXsave(byte[] userBuffer)
    {
        if (_vcpu.Dead) return Errno.EIO;
        int size = (int)GuestFpu.UabiSize;
        if (userBuffer.Length < size) return Errno.EFAULT;
        var buf = userBuffer.AsSpan(0, size).ToArray();

        var fps = GuestFpstate;
        if (fps.IsConfidential) return Vm.HasProtectedState ? Errno.EINVAL : KResult.Ok;

        // R89, H6: for backwards compatibility XFD-disabled features are dropped rather than refused.
        var bv = new FeatureMask(BitConverter.ToUInt64(buf, LegacyRegion.XstateBv)).Except(fps.Xfd);
        BitConverter.TryWriteBytes(buf.AsSpan(LegacyRegion.XstateBv, 8), bv.Bits);

        return CopyUabiToGuestFpstate(buf, _vcpu.Kvm.Caps.SupportedXcr0);
    }

    /// <summary>R89 fpu_copy_uabi_to_guest_fpstate(gfpu, buf, xcr0, &amp;vcpu.pkru).</summary>
    private KResult CopyUabiToGuestFpstate(byte[] buf, FeatureMask xcr0)
    {
        var fps = GuestFpstate;
        var hdrBv = new FeatureMask(BitConverter.ToUInt64(buf, LegacyRegion.XstateBv));

        if (!Boot.XsaveEnabled)
        {
            // R89: a host without XSAVE takes an FXSAVE image only.
            if (!hdrBv.IsSubsetOf(XfeatureMasks.FpSse)) return Errno.EINVAL;
            uint mxcsr = BitConverter.ToUInt32(buf, LegacyRegion.Mxcsr);
            if ((mxcsr & ~Boot.MxcsrFeatureMask) != 0) return Errno.EINVAL;
            buf.AsSpan(0, LegacyRegion.XstateBv).CopyTo(fps.Regs);
            return KResult.Ok;
        }

        // R89, H11: validated against what KVM supports, not what this guest's CPUID or XCR0 enables.
        if (!hdrBv.IsSubsetOf(xcr0)) return Errno.EINVAL;

        // R89: XFD-disabled features must be in init state or XRSTOR would #NM (unreachable after the masking above).
        if (hdrBv.Overlaps(fps.Xfd))
        {
            _vcpu.Warn("fpu_copy_uabi_to_guest_fpstate: XSTATE_BV & XFD");
            return Errno.EINVAL;
        }

        // R89: KVM's ABI leaves vcpu.pkru alone when the PKRU bit is clear (R69 with a NULL pkru pointer).
        var pkru = hdrBv.Contains(XFeature.Pkru) ? new PkruHolder(_vcpu.Fpu.Pkru) : null;
        var result = UabiToXstate.Copy(Boot, fps, buf, pkru);
        if (!result.IsError && pkru is not null) _vcpu.Fpu.Pkru = pkru.Value;
        return result;
    }
}
