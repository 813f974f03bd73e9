using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// R69 copy_uabi_to_xstate: a standard-format UABI buffer (ptrace NT_X86_XSTATE, KVM_SET_XSAVE) copied into a kernel
/// fpstate buffer. Conventions: <c>uabi</c> is the caller's buffer; reading past its end is the kernel's -EFAULT on
/// copy_from_user. The fpstate is changed in place; on an error return it may hold the components copied before the
/// fault (the kernel copies component by component, I14).
/// </summary>
public static class UabiToXstate
{
    private static readonly FeatureMask MxcsrUsers = FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm);

    /// <param name="pkru">task.thread.pkru or vcpu.arch.pkru; null when the caller does not want PKRU touched (KVM).</param>
    public static KResult Copy(BootResult boot, Fpstate fps, byte[] uabi, PkruHolder? pkru)
    {
        var cpu = boot.Cpu;

        // The header is read first; a buffer too short for it faults.
        if (uabi.Length < XFeatures.ExtendedRegionStart) return Errno.EFAULT;
        var hdr = UabiHeader.Read(uabi);

        // R68: header validation before anything is copied.
        var valid = hdr.Validate(fps);
        if (valid.IsError) return valid;

        // R69: MXCSR is validated only when a feature that uses it (FP, SSE, YMM) is in XSTATE_BV (KO §3g, §6b).
        if (hdr.XstateBv.Overlaps(MxcsrUsers))
        {
            uint mxcsr = BitConverter.ToUInt32(uabi, LegacyRegion.Mxcsr);
            uint mxcsrMask = BitConverter.ToUInt32(uabi, LegacyRegion.MxcsrMask);

            // R69: reserved MXCSR bits (outside the boot-time mxcsr_feature_mask) must be zero.
            if ((mxcsr & ~boot.MxcsrFeatureMask) != 0) return Errno.EINVAL;

            // R69: SSE and YMM need MXCSR even without FP; with FP it arrives with the FP bytes below.
            if (!hdr.XstateBv.Contains(XFeature.Fp))
            {
                WriteUInt32(fps.Regs, LegacyRegion.Mxcsr, mxcsr);
                WriteUInt32(fps.Regs, LegacyRegion.MxcsrMask, mxcsrMask);
            }
        }

        // R69: every feature in XSTATE_BV is copied from its standard offset to its kernel location.
        for (int i = 0; i < XFeatures.Max; i++)
        {
            if (!hdr.XstateBv.Contains(i)) continue;
            int from = UabiLayout.Offset(cpu, i);
            int size = UabiLayout.Size(cpu, i);
            if (from + size > uabi.Length) return Errno.EFAULT;

            int? to = XsaveAddress.Raw(boot, fps, i);
            if (to is null) return Errno.EFAULT; // unreachable after R68 (user_xfeatures are in the buffer)
            Array.Copy(uabi, from, fps.Regs, to.Value, size);
        }

        // R69, H18: PKRU follows the header like XRSTOR would: bit set -> the buffer's value, bit clear -> 0. KVM
        // passes no holder and keeps vcpu.pkru.
        if (hdr.XstateBv.Contains(XFeature.Pkru))
        {
            // struct pkru_state is read at PKRU's kernel location. Only a CPUID that enumerates PKRU with fewer than 4
            // bytes (corrupt dumps) makes this reach past the buffer: such bytes read as zero (the allocation's slack).
            int at = XsaveAddress.Raw(boot, fps, (int)XFeature.Pkru) ?? fps.Regs.Length;
            var value = new byte[4];
            if (at < fps.Regs.Length) fps.Regs.AsSpan(at, Math.Min(4, fps.Regs.Length - at)).CopyTo(value);
            if (pkru is not null) pkru.Value = BitConverter.ToUInt32(value);
        }
        else if (pkru is not null)
        {
            pkru.Value = 0;
        }

        // R69, H16: the buffer brought user state only; supervisor bits of the kernel header are kept.
        var kept = new FeatureMask(fps.XstateBv) & XfeatureMasks.SupervisorAll;
        fps.XstateBv = (kept | hdr.XstateBv).Bits;
        return KResult.Ok;
    }

    private static void WriteUInt32(byte[] buffer, int offset, uint value) =>
        BitConverter.TryWriteBytes(buffer.AsSpan(offset, 4), value);
}
