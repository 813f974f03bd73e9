using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Uabi;

/// <summary>
/// R68, R69: a standard-format UABI image (ptrace, KVM_SET_XSAVE) into a kernel fpstate: header validation and
/// copy_uabi_to_xstate. No allocation: the caller owns both buffers.
/// </summary>
public static class UabiToXstate
{
    private const ulong MxcsrUsers = (1UL << Xfeatures.Fp) | (1UL << Xfeatures.Sse) | (1UL << Xfeatures.Ymm);

    /// <summary>
    /// R68 validate_user_xstate_header over the 64 header bytes at 512 of <paramref name="uabi"/> (-EFAULT when shorter than 576 bytes):
    /// -EINVAL for a feature outside <paramref name="userXfeatures"/>, a non-zero XCOMP_BV, or a non-zero reserved byte.
    /// </summary>
    public static long ValidateHeader(ReadOnlySpan<byte> uabi, ulong userXfeatures)
    {
        if (uabi.Length < Xfeatures.XregsStateSize) return -(long)Errno.EFAULT;
        var hdr = MemoryMarshal.Cast<byte, ulong>(uabi.Slice(Xfeatures.XstateBvOffset, Xfeatures.HeaderSize));
        // R68: no unknown or supervisor features.
        if ((BinaryPrimitives.ReadUInt64LittleEndian(uabi[Xfeatures.XstateBvOffset..]) & ~userXfeatures) != 0) return -(long)Errno.EINVAL;
        // R68: XCOMP_BV and the 48 reserved bytes (six words) must be zero; only zero-ness matters, so byte order does not.
        if ((hdr[1] | hdr[2] | hdr[3] | hdr[4] | hdr[5] | hdr[6] | hdr[7]) != 0) return -(long)Errno.EINVAL;
        return 0;
    }

    /// <summary>R69 copy_uabi_to_xstate with a NULL pkru pointer (PKRU outside the buffer left alone).</summary>
    public static long Copy(BootTables b, Fpstate fps, ReadOnlySpan<byte> uabi)
    {
        uint unused = 0;
        return Copy(b, fps, uabi, ref unused, updatePkru: false);
    }

    /// <summary>
    /// R69 copy_uabi_to_xstate: header validation (R68), MXCSR check when FP/SSE/YMM are present, each component of
    /// XSTATE_BV copied from its standard offset to its kernel location, PKRU through <paramref name="pkru"/> when
    /// <paramref name="updatePkru"/> (the kernel's non-NULL pkru pointer: the buffer's value, or 0 when the bit is
    /// clear, H18), and XSTATE_BV := (old &amp; SUPERVISOR_ALL) | header (H16). A buffer shorter than a component it
    /// names faults (-EFAULT) with the components before it already copied, like the kernel's per-component copy.
    /// </summary>
    public static long Copy(BootTables b, Fpstate fps, ReadOnlySpan<byte> uabi, ref uint pkru, bool updatePkru)
    {
        if (uabi.Length < Xfeatures.XregsStateSize) return -(long)Errno.EFAULT;

        long valid = ValidateHeader(uabi, fps.UserXfeatures);
        if (valid != 0) return valid;
        ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(uabi[Xfeatures.XstateBvOffset..]);
        var regs = fps.Regs.AsSpan();

        if ((bv & MxcsrUsers) != 0)
        {
            uint mxcsr = BinaryPrimitives.ReadUInt32LittleEndian(uabi[Xfeatures.MxcsrOffset..]);
            // R69: reserved MXCSR bits must be clear.
            if ((mxcsr & ~b.MxcsrFeatureMask) != 0) return -(long)Errno.EINVAL;
            // R69: SSE/YMM without FP still need MXCSR and MXCSR_MASK; with FP they come with the FP bytes.
            if ((bv & (1UL << Xfeatures.Fp)) == 0) uabi.Slice(Xfeatures.MxcsrOffset, 8).CopyTo(regs[Xfeatures.MxcsrOffset..]);
        }

        for (ulong m = bv & Xfeatures.Known; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            int from = b.UabiOffset(i), size = b.UabiSize(i);
            if (from + size > uabi.Length) return -(long)Errno.EFAULT;
            int to = FpstateOps.RawAddr(b, fps, i);
            if (to < 0 || to + size > regs.Length) return -(long)Errno.EFAULT;
            uabi.Slice(from, size).CopyTo(regs[to..]);
        }

        if (updatePkru)
        {
            uint value = 0;
            if ((bv & (1UL << Xfeatures.Pkru)) != 0)
            {
                // struct pkru_state read at PKRU's kernel location; bytes past the buffer (corrupt CPUID) read as zero.
                int at = FpstateOps.RawAddr(b, fps, Xfeatures.Pkru);
                if (at >= 0 && at + 4 <= regs.Length) value = BinaryPrimitives.ReadUInt32LittleEndian(regs[at..]);
                else if (at >= 0 && at < regs.Length)
                    for (int k = 0; at + k < regs.Length; k++) value |= (uint)regs[at + k] << (8 * k);
            }
            pkru = value;
        }

        // H16: supervisor state of the kernel buffer is kept.
        fps.XstateBv = (fps.XstateBv & Xfeatures.SupervisorAll) | bv;
        return 0;
    }
}
