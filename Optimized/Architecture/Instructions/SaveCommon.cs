using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>What every XSAVE* shares: which components count as in use, and how one component is stored.</summary>
internal static class SaveCommon
{
    /// <summary>
    /// The components an XSAVE* considers not in their init configuration: XINUSE, plus SSE whenever MXCSR is not
    /// 1F80H (R17/R21: XSAVEC saves SSE then; KO §1c/§5a: Zen 5 reports it in use), minus every XFD-disabled component
    /// (R27: XSAVE* treat those as in init configuration).
    /// </summary>
    public static ulong InUse(MachineState state)
    {
        ulong inUse = state.XinUse.Bits;
        if (state.Mxcsr != XsaveArea.InitMxcsr) inUse |= XsaveArea.SseMask;
        return inUse & ~state.Xfd.Bits;
    }

    /// <summary>
    /// R20a: the RFBM components whose XSTATE_BV bit a CPU may write either way — those in their init configuration
    /// (XINUSE clear, or the registers equal the init image), never an XFD-disabled one (R27: bit 0). SSE in the
    /// compacted form is in use whenever MXCSR != 1F80H (R21); in the standard form XINUSE[1] covers XMM only.
    /// </summary>
    public static ulong EitherInUse(CpuFacts facts, MachineState state, ulong rfbm, bool compacted)
    {
        ulong either = 0;
        for (ulong m = rfbm & ~state.Xfd.Bits; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            bool init = ((state.XinUse.Bits >> i) & 1) == 0 || ((facts.Held >> i) & 1) == 0 ||
                state.Components[i].AsSpan().SequenceEqual(facts.InitImage(i).AsSpan());
            if (init) either |= 1UL << i;
        }
        if (compacted && state.Mxcsr != XsaveArea.InitMxcsr) either &= ~XsaveArea.SseMask;
        return either;
    }

    /// <summary>
    /// R20a: what the modified optimization may skip — components restored and not written since, when the save goes to
    /// the address, CPL and COMPMASK of that XRSTOR/XRSTORS (SDM 13.8.3 XRSTOR_INFO); never XFD-disabled ones (R27).
    /// </summary>
    public static ulong Unmodified(MachineState state, XsaveBuffer memory, ulong rfbm, ulong compMask) =>
        state.LastRestore is { } t && t.Address == memory.Address && t.Cpl == state.Cpl && t.CompMask.Bits == compMask
            ? rfbm & t.Unmodified.Bits & ~state.Xfd.Bits
            : 0;

    /// <summary>
    /// Stores component <paramref name="i"/> at <paramref name="offset"/> of <paramref name="area"/>: its registers when
    /// in use, else its init image (R17: a component not in use is in its init configuration, whatever stale bytes the
    /// state holds). x87 leaves bytes 24..31 alone: MXCSR/MXCSR_MASK belong to SSE (R12).
    /// </summary>
    public static void Store(CpuFacts facts, MachineState state, Span<byte> area, int i, int offset, bool inUse)
    {
        if (((facts.Held >> i) & 1) == 0) return; // enumerated with size 0: nothing to store
        ReadOnlySpan<byte> value = inUse ? state.Components[i].AsSpan() : facts.InitImage(i).AsSpan();
        if (i == XsaveArea.X87)
        {
            value[..XsaveArea.Mxcsr].CopyTo(area);
            value[XsaveArea.St0..].CopyTo(area[XsaveArea.St0..]);
            return;
        }
        value.CopyTo(area[offset..]);
    }

    /// <summary>R12: x87 lives at 0, SSE (XMM0-15) at 160, whatever the format.</summary>
    public static int LegacyOffset(int i) => i == XsaveArea.Sse ? XsaveArea.Xmm0 : 0;

    /// <summary>Adds the bytes component <paramref name="i"/> occupies (x87 without its MXCSR hole).</summary>
    public static void AddComponent(ByteSpans spans, int i, int offset, int size)
    {
        if (i == XsaveArea.X87) spans.AddX87();
        else if (i == XsaveArea.Sse) spans.Add(XsaveArea.Xmm0, XsaveArea.XmmBytes);
        else spans.Add(offset, size);
    }

    /// <summary>The new memory operand: the array becomes the buffer without another copy.</summary>
    public static XsaveBuffer Wrap(byte[] area, ulong address) =>
        new(ImmutableCollectionsMarshal.AsImmutableArray(area), address);
}
