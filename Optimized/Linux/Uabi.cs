using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.Linux;

/// <summary>enum xstate_copy_mode (R70).</summary>
public enum CopyMode
{
    /// <summary>XSTATE_COPY_FP: x87 only.</summary>
    Fp,
    /// <summary>XSTATE_COPY_FX: the 512-byte FXSAVE image.</summary>
    Fx,
    /// <summary>XSTATE_COPY_XSAVE: the full standard-format image (ptrace NT_X86_XSTATE, KVM_GET_XSAVE*).</summary>
    Xsave,
}

/// <summary>
/// Conversions between a kernel fpstate buffer and the standard-format UABI image (SPEC R68-R70): header validation,
/// copy_uabi_to_xstate and __copy_xstate_to_uabi_buf. No allocation: the caller owns both buffers.
/// </summary>
public static class Uabi
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
    public static long CopyFromUabi(BootTables b, Fpstate fps, ReadOnlySpan<byte> uabi)
    {
        uint unused = 0;
        return CopyFromUabi(b, fps, uabi, ref unused, updatePkru: false);
    }

    /// <summary>
    /// R69 copy_uabi_to_xstate: header validation (R68), MXCSR check when FP/SSE/YMM are present, each component of
    /// XSTATE_BV copied from its standard offset to its kernel location, PKRU through <paramref name="pkru"/> when
    /// <paramref name="updatePkru"/> (the kernel's non-NULL pkru pointer: the buffer's value, or 0 when the bit is
    /// clear, H18), and XSTATE_BV := (old &amp; SUPERVISOR_ALL) | header (H16). A buffer shorter than a component it
    /// names faults (-EFAULT) with the components before it already copied, like the kernel's per-component copy.
    /// </summary>
    public static long CopyFromUabi(BootTables b, Fpstate fps, ReadOnlySpan<byte> uabi, ref uint pkru, bool updatePkru)
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

    /// <summary>
    /// R70 __copy_xstate_to_uabi_buf into <paramref name="to"/> (its length is the requested length): written front to
    /// back and cut at the end, everything after the last byte written zeroed. The reported XSTATE_BV is the kernel's
    /// masked by <paramref name="mode"/> (XSAVE: by user_xfeatures and <paramref name="xfeatures"/>); x87/MXCSR/XMM
    /// not reported come from init_fpstate; PKRU is written as {<paramref name="pkruVal"/>, 0}.
    /// </summary>
    public static void CopyToUabi(BootTables b, Fpstate fps, Span<byte> to, ulong xfeatures, uint pkruVal, CopyMode mode)
    {
        ReadOnlySpan<byte> xsave = fps.Regs;
        ReadOnlySpan<byte> xinit = b.InitFpstateRegs;
        var buf = new MemBuf(to);

        ulong kernelBv = fps.XstateBv;
        ulong hdr = mode switch
        {
            CopyMode.Fp => kernelBv & (1UL << Xfeatures.Fp),
            CopyMode.Fx => kernelBv & Xfeatures.FpSse,
            _ => kernelBv & fps.UserXfeatures & xfeatures,
        };
        bool fp = (hdr & (1UL << Xfeatures.Fp)) != 0;

        buf.Write((fp ? xsave : xinit).Slice(0, Xfeatures.MxcsrOffset));
        buf.Write(((hdr & ((1UL << Xfeatures.Sse) | (1UL << Xfeatures.Ymm))) != 0 ? xsave : xinit).Slice(Xfeatures.MxcsrOffset, 8));
        buf.Write((fp ? xsave : xinit).Slice(Xfeatures.StSpaceOffset, 128));
        buf.Write(((hdr & (1UL << Xfeatures.Sse)) != 0 ? xsave : xinit).Slice(Xfeatures.XmmSpaceOffset, 256));

        if (mode == CopyMode.Xsave)
        {
            // 416..463 padding; 464..511 xstate_fx_sw_bytes (word 0 = user.max_features, the rest zero; KO §3c/§6b).
            buf.Zero(Xfeatures.SwReservedOffset - Xfeatures.PaddingOffset);
            buf.WriteU64(b.FxSwXcr0);
            buf.Zero(40);
            // Header: XSTATE_BV, XCOMP_BV = 0, reserved = 0.
            buf.WriteU64(hdr);
            buf.Zero(Xfeatures.HeaderSize - 8);

            int zeroFrom = Xfeatures.XregsStateSize;
            foreach (int i in b.UncompactOrder)
            {
                if ((hdr & 1UL << i) == 0) continue;
                int offset = b.UabiOffset(i), size = b.UabiSize(i);
                if (zeroFrom < offset) buf.Zero(offset - zeroFrom);
                if (i == Xfeatures.Pkru)
                {
                    // PKRU is not current in the buffer: struct pkru_state {pkru, pad}.
                    buf.WriteU32(pkruVal);
                    buf.WriteU32(0);
                }
                else
                {
                    int at = FpstateOps.RawAddr(b, fps, i);
                    if (at < 0 || at + size > xsave.Length) buf.Zero(size);
                    else buf.Write(xsave.Slice(at, size));
                }
                zeroFrom = offset + size;
            }
        }
        buf.Zero(buf.Left);
    }

    /// <summary>struct membuf: a destination written front to back, writes past the end cut.</summary>
    private ref struct MemBuf
    {
        private readonly Span<byte> _to;
        private int _pos;

        public MemBuf(Span<byte> to)
        {
            _to = to;
            _pos = 0;
        }

        public readonly int Left => _to.Length - _pos;

        public void Write(scoped ReadOnlySpan<byte> bytes)
        {
            int n = Math.Min(bytes.Length, Left);
            bytes[..n].CopyTo(_to[_pos..]);
            _pos += n;
        }

        public void Zero(int count)
        {
            int n = Math.Min(count, Left);
            _to.Slice(_pos, n).Clear();
            _pos += n;
        }

        public void WriteU64(ulong v)
        {
            Span<byte> tmp = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(tmp, v);
            Write(tmp);
        }

        public void WriteU32(uint v)
        {
            Span<byte> tmp = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(tmp, v);
            Write(tmp);
        }
    }
}
