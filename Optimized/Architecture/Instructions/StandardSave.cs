using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>XSAVE (SPEC R19) and XSAVEOPT (R20): the standard format, components at their CPUID offsets (R14).</summary>
internal static class StandardSave
{
    public static InstructionOutcome Run(CpuFacts facts, MachineState state, ulong rfbm, XsaveBuffer memory, bool xsaveopt)
    {
        var t = facts.Tables;
        ulong inUse = SaveCommon.InUse(state);
        // R19: XSAVE stores every RFBM component, in use or not. R20: XSAVEOPT skips the ones not in use (the init
        // optimization; this implementation always applies it, so the skipped bytes are reported unspecified).
        ulong stored = xsaveopt ? rfbm & inUse : rfbm;
        // R19/R20: MXCSR and MXCSR_MASK go with SSE or AVX (KO §5a: RFBM = 1 writes neither).
        bool mxcsr = (rfbm & (XsaveArea.SseMask | XsaveArea.YmmMask)) != 0;

        // The operand is the whole standard area of RFBM, at least the legacy region and header, even where XSAVEOPT
        // skips a component (docs/findings.md F2): the furthest RFBM component decides.
        int end = XsaveArea.ExtendedStart;
        for (ulong m = rfbm & XsaveArea.ExtendedMask; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            end = Math.Max(end, t.StandardOffset(i) + t.Size(i));
        }
        // R20a: XSTATE_BV[i] of a component in its init configuration may be either value; XSAVEOPT may skip it, and one
        // unmodified since the XRSTOR from this address (modified optimization, COMPMASK 0).
        ulong either = SaveCommon.EitherInUse(facts, state, rfbm, compacted: false);
        ulong skipped = xsaveopt ? either | SaveCommon.Unmodified(state, memory, rfbm, 0) : 0;
        if (end > memory.Length) return PageFault(facts, state, memory, stored | skipped, mxcsr);

        var area = memory.Bytes.ToArray();
        var span = area.AsSpan();
        for (ulong m = stored; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            int offset = i < 2 ? SaveCommon.LegacyOffset(i) : t.StandardOffset(i);
            SaveCommon.Store(facts, state, span, i, offset, ((inUse >> i) & 1) != 0);
        }
        if (mxcsr)
        {
            XsaveArea.WriteU32(span, XsaveArea.Mxcsr, state.Mxcsr);
            XsaveArea.WriteU32(span, XsaveArea.MxcsrMask, facts.MxcsrMask);
        }
        // R19: XSTATE_BV := (OLD_BV AND NOT RFBM) OR (XINUSE AND RFBM); XCOMP_BV and bytes 16..63 untouched (KO §5a).
        ulong oldBv = XsaveArea.ReadU64(span, XsaveArea.XstateBv);
        XsaveArea.WriteU64(span, XsaveArea.XstateBv, (oldBv & ~rfbm) | (inUse & rfbm));

        var outcome = InstructionOutcome.Success(state, SaveCommon.Wrap(area, memory.Address)) with { UnspecifiedXstateBv = new(either) };
        if (!xsaveopt) return outcome;

        // R20, R20a: the components XSAVEOPT may skip are unspecified; MXCSR is always written. R27: XFD-disabled areas
        // are never touched.
        if (skipped == 0) return outcome;
        var spans = new ByteSpans(memory.Length);
        for (ulong m = skipped; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            SaveCommon.AddComponent(spans, i, i < 2 ? 0 : t.StandardOffset(i), t.Size(i));
        }
        return outcome with { UnspecifiedBytes = spans.ToImmutable() };
    }

    /// <summary>
    /// #PF: the buffer is returned as it was, but every byte the save would or may have written (<paramref name="written"/>:
    /// stored, or skippable by XSAVEOPT) is unspecified (hardware may have stored part of it before faulting; F11).
    /// </summary>
    private static InstructionOutcome PageFault(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong written, bool mxcsr)
    {
        var spans = new ByteSpans(memory.Length);
        for (ulong m = written; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            SaveCommon.AddComponent(spans, i, i < 2 ? 0 : facts.Tables.StandardOffset(i), facts.Tables.Size(i));
        }
        if (mxcsr) spans.Add(XsaveArea.Mxcsr, 8);
        spans.Add(XsaveArea.XstateBv, sizeof(ulong));
        return InstructionOutcome.Faulted(Faults.SaveOutside, state, memory) with { UnspecifiedBytes = spans.ToImmutable() };
    }
}
