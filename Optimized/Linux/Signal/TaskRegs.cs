using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Signal;

/// <summary>
/// A task's live user registers, held in its fpstate buffer as if just saved: a component with XSTATE_BV[i] = 1 holds
/// its bytes, one with the bit clear is in its init configuration (SDM 13.6), and its bytes are rewritten with the init
/// values whenever a restore initialises it. MXCSR sits at byte 24; in a compacted buffer without XSTATE_BV[SSE] it
/// reads 0x1F80, and any other value brings SSE into use (XSAVEC/XSAVES save MXCSR with SSE only, KO §5a/§5b).
/// </summary>
internal static class TaskRegs
{
    private const ulong SseBit = 1UL << Xfeatures.Sse;

    /// <summary>XINUSE as the next save would see it: XSTATE_BV, plus SSE while MXCSR is not 0x1F80; FP|SSE without XSAVE.</summary>
    public static ulong InUse(BootTables b, Fpstate fps)
    {
        if (!b.XsaveEnabled) return Xfeatures.FpSse;
        ulong bv = fps.XstateBv;
        return Mxcsr(b, fps) == Xfeatures.InitMxcsr ? bv : bv | SseBit;
    }

    public static uint Mxcsr(BootTables b, Fpstate fps) =>
        b.XsaveEnabled && b.Compacted && (fps.XstateBv & SseBit) == 0
            ? Xfeatures.InitMxcsr
            : BinaryPrimitives.ReadUInt32LittleEndian(fps.Regs.AsSpan(Xfeatures.MxcsrOffset));

    public static void SetMxcsr(BootTables b, Fpstate fps, uint value)
    {
        if (b.XsaveEnabled && b.Compacted && value != Xfeatures.InitMxcsr && (fps.XstateBv & SseBit) == 0)
            Load(b, fps, Xfeatures.Sse, new byte[256]);
        BinaryPrimitives.WriteUInt32LittleEndian(fps.Regs.AsSpan(Xfeatures.MxcsrOffset), value);
    }

    /// <summary>Where component i lives in the buffer (x87 and SSE at their legacy offsets, with or without XSAVE), or -1.</summary>
    private static int Addr(BootTables b, Fpstate fps, int i) => i switch
    {
        Xfeatures.Fp => 0,
        Xfeatures.Sse => Xfeatures.XmmSpaceOffset,
        _ => FpstateOps.RawAddr(b, fps, i),
    };

    /// <summary>Where component i's live bytes are, or -1 when it is in its init configuration.</summary>
    private static int LiveAddr(BootTables b, Fpstate fps, int i) =>
        !b.XsaveEnabled ? (i < 2 ? Addr(b, fps, i) : -1) : FpstateOps.XsaveAddr(b, fps, i);

    /// <summary>
    /// Component i's register image in standard (UABI) form into <paramref name="to"/> (its UABI size): the live bytes,
    /// or the init configuration (zero, FCW 0x37F for x87). The x87 image never carries MXCSR (bytes 24..31 zero).
    /// </summary>
    public static void Read(BootTables b, Fpstate fps, int i, Span<byte> to)
    {
        to.Clear();
        int at = LiveAddr(b, fps, i);
        if (at < 0)
        {
            if (i == Xfeatures.Fp) BinaryPrimitives.WriteUInt16LittleEndian(to, Xfeatures.InitFcw);
            return;
        }
        fps.Regs.AsSpan(at, to.Length).CopyTo(to);
        if (i == Xfeatures.Fp) to.Slice(Xfeatures.MxcsrOffset, 8).Clear();
    }

    /// <summary>XRSTOR with XSTATE_BV[i] = 1: the image into the buffer (x87 around the MXCSR words), the bit set.</summary>
    public static void Load(BootTables b, Fpstate fps, int i, ReadOnlySpan<byte> image)
    {
        if (b.XsaveEnabled && (fps.Xfeatures & (1UL << i)) == 0) return; // outside the save mask: not kept (clearcpuid=sse)
        int at = Addr(b, fps, i);
        if (at < 0) return;
        var regs = fps.Regs.AsSpan(at);
        if (i == Xfeatures.Fp)
        {
            image[..Xfeatures.MxcsrOffset].CopyTo(regs);
            image[Xfeatures.StSpaceOffset..].CopyTo(regs[Xfeatures.StSpaceOffset..]);
        }
        else
        {
            image.CopyTo(regs);
        }
        if (b.XsaveEnabled) fps.XstateBv |= 1UL << i;
    }

    /// <summary>XRSTOR with XSTATE_BV[i] = 0: the init configuration written, the bit cleared.</summary>
    public static void Initialize(BootTables b, Fpstate fps, int i)
    {
        int at = Addr(b, fps, i);
        if (at >= 0)
        {
            var regs = fps.Regs.AsSpan(at);
            if (i == Xfeatures.Fp)
            {
                regs[..Xfeatures.MxcsrOffset].Clear();
                BinaryPrimitives.WriteUInt16LittleEndian(regs, Xfeatures.InitFcw);
                regs.Slice(Xfeatures.StSpaceOffset, Xfeatures.XmmSpaceOffset - Xfeatures.StSpaceOffset).Clear();
            }
            else
            {
                regs[..FpstateOps.ComponentSize(b, i)].Clear();
            }
        }
        if (b.XsaveEnabled) fps.XstateBv &= ~(1UL << i);
    }
}
