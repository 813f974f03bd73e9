using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// XSAVEC (SPEC R21) and XSAVES (R22): the compacted format with the init optimization. The layout is R15 over
/// C = RFBM; a component not saved keeps its space but is not written (KO §5b).
/// </summary>
internal static class CompactedSave
{
    public static InstructionOutcome Run(CpuFacts facts, MachineState state, ulong rfbm, XsaveBuffer memory, bool xsaves)
    {
        var t = facts.Tables;
        // R21: TO_BE_SAVED = RFBM AND XINUSE (SSE also when MXCSR != 1F80H; XFD-disabled never, R27).
        ulong saved = rfbm & SaveCommon.InUse(state);
        // R21: XCOMP_BV := RFBM OR BIT63.
        ulong xcompBv = rfbm | XsaveArea.CompactedFormat;

        // R15: walk C = RFBM upward from 576, aligning where CPUID.(0xD,i).ECX[1] says so.
        Span<int> offset = stackalloc int[64];
        int next = XsaveArea.ExtendedStart;
        for (ulong m = rfbm & XsaveArea.ExtendedMask; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            if (((t.Aligned64 >> i) & 1) != 0) next = XsaveArea.Align64(next);
            offset[i] = next;
            next += t.Size(i);
        }
        // The operand is the whole compacted area of RFBM, init components included (docs/findings.md F2); it ends past
        // the header and every saved component.
        if (next > memory.Length) return PageFault(facts, state, memory, saved | Open(facts, state, memory, rfbm, xcompBv, xsaves), offset);

        var area = memory.Bytes.ToArray();
        var span = area.AsSpan();
        for (ulong m = saved; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            SaveCommon.Store(facts, state, span, i, i < 2 ? SaveCommon.LegacyOffset(i) : offset[i], inUse: true);
        }
        // R21: MXCSR/MXCSR_MASK belong to the SSE state: written only when SSE is saved (KO §5b).
        if ((saved & XsaveArea.SseMask) != 0)
        {
            XsaveArea.WriteU32(span, XsaveArea.Mxcsr, state.Mxcsr);
            XsaveArea.WriteU32(span, XsaveArea.MxcsrMask, facts.MxcsrMask);
        }
        // R21: XSTATE_BV := TO_BE_SAVED (bits outside RFBM cleared), XCOMP_BV := COMPMASK; bytes 16..63 not written (R22).
        XsaveArea.WriteU64(span, XsaveArea.XstateBv, saved);
        XsaveArea.WriteU64(span, XsaveArea.XcompBv, xcompBv);
        var outcome = InstructionOutcome.Success(state, SaveCommon.Wrap(area, memory.Address));
        return WithLatitude(facts, state, memory, rfbm, xcompBv, offset, xsaves, outcome);
    }

    /// <summary>
    /// R20a: a component in its init configuration may be saved or not (its XSTATE_BV bit and bytes are open); XSAVES
    /// may also skip one unmodified since the XRSTORS it corresponds to. SSE takes MXCSR/MXCSR_MASK along (KO §5b).
    /// </summary>
    private static InstructionOutcome WithLatitude(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong rfbm,
        ulong xcompBv, ReadOnlySpan<int> offset, bool xsaves, InstructionOutcome outcome)
    {
        ulong either = SaveCommon.EitherInUse(facts, state, rfbm, compacted: true);
        ulong open = Open(facts, state, memory, rfbm, xcompBv, xsaves);
        if (open == 0) return outcome;
        var spans = new ByteSpans(memory.Length);
        for (ulong m = open & facts.Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            SaveCommon.AddComponent(spans, i, i < 2 ? 0 : offset[i], facts.Tables.Size(i));
        }
        if ((open & XsaveArea.SseMask) != 0) spans.Add(XsaveArea.Mxcsr, 8);
        return outcome with { UnspecifiedBytes = spans.ToImmutable(), UnspecifiedXstateBv = new(either) };
    }

    /// <summary>The components whose saving is open (R20a): in their init configuration, or (XSAVES) unmodified.</summary>
    private static ulong Open(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong rfbm, ulong xcompBv, bool xsaves) =>
        SaveCommon.EitherInUse(facts, state, rfbm, compacted: true) | (xsaves ? SaveCommon.Unmodified(state, memory, rfbm, xcompBv) : 0);

    /// <summary>#PF: buffer as it was; every byte the save would or may have written (<paramref name="written"/>: saved,
    /// or open) is unspecified (F11).</summary>
    private static InstructionOutcome PageFault(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong written, ReadOnlySpan<int> offset)
    {
        var spans = new ByteSpans(memory.Length);
        for (ulong m = written & facts.Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            SaveCommon.AddComponent(spans, i, i < 2 ? 0 : offset[i], facts.Tables.Size(i));
        }
        if ((written & XsaveArea.SseMask) != 0) spans.Add(XsaveArea.Mxcsr, 8);
        spans.Add(XsaveArea.XstateBv, 2 * sizeof(ulong));
        return InstructionOutcome.Faulted(Faults.SaveOutside, state, memory) with { UnspecifiedBytes = spans.ToImmutable() };
    }
}
