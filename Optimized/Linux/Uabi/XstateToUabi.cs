using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Uabi;

/// <summary>
/// R70: a kernel fpstate as the standard-format UABI image (ptrace, KVM_GET_XSAVE*): __copy_xstate_to_uabi_buf. No
/// allocation: the caller owns both buffers.
/// </summary>
public static class XstateToUabi
{
    /// <summary>
    /// R70 __copy_xstate_to_uabi_buf into <paramref name="to"/> (its length is the requested length): written front to
    /// back and cut at the end, everything after the last byte written zeroed. The reported XSTATE_BV is the kernel's
    /// masked by <paramref name="mode"/> (XSAVE: by user_xfeatures and <paramref name="xfeatures"/>); x87/MXCSR/XMM
    /// not reported come from init_fpstate; PKRU is written as {<paramref name="pkruVal"/>, 0}.
    /// </summary>
    public static void Copy(BootTables b, Fpstate fps, Span<byte> to, ulong xfeatures, uint pkruVal, CopyMode mode)
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
}
