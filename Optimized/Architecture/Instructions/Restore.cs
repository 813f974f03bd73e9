using System.Runtime.InteropServices;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// XRSTOR in both forms (SPEC R23, R24) and XRSTORS (R25), with R26 (load or initialize each RFBM component) and R27
/// (#NM on XFD-disabled components). Fault order after the common checks: #PF on the header, #GP on the header,
/// #GP on MXCSR, #NM on XFD, #PF on component bytes.
/// </summary>
internal static class Restore
{
    /// <summary>What happens to MXCSR, which the two forms treat differently.</summary>
    private enum Mxcsr : byte { Keep, Load, Init }

    public static InstructionOutcome Xrstor(CpuFacts facts, MachineState state, ulong edxEax, XsaveBuffer memory)
    {
        if (memory.Length < XsaveArea.HeaderEnd) return Fail(Faults.HeaderOutside, state, memory);
        var area = memory.Bytes.AsSpan();
        ulong xstateBv = XsaveArea.ReadU64(area, XsaveArea.XstateBv);
        ulong xcompBv = XsaveArea.ReadU64(area, XsaveArea.XcompBv);
        ulong xcr0 = state.Xcr0.Bits;
        ulong rfbm = xcr0 & edxEax;

        // XCOMP_BV[63] picks the form.
        if ((xcompBv & XsaveArea.CompactedFormat) != 0)
        {
            // R24: the compacted form comes with XSAVEC.
            if (!facts.Has(XsaveVariants.Xsavec)) return Fail(Faults.CompactedWithoutXsavec, state, memory);
            return Compacted(facts, state, memory, rfbm, enabled: xcr0, xstateBv, xcompBv);
        }

        // R23: XSTATE_BV within XCR0 (not RFBM: KO §5d), header bytes 8..23 zero; bytes 24..63 are not checked.
        if ((xstateBv & ~xcr0) != 0) return Fail(Faults.BvNotInXcr0, state, memory);
        if (xcompBv != 0 || XsaveArea.ReadU64(area, XsaveArea.XcompBv + 8) != 0) return Fail(Faults.StandardHeaderBytes, state, memory);

        // R23: MXCSR is loaded whenever RFBM[1] or RFBM[2], whatever XSTATE_BV says (KO §5d/§5e).
        var mxcsr = (rfbm & (XsaveArea.SseMask | XsaveArea.YmmMask)) != 0 ? Mxcsr.Load : Mxcsr.Keep;
        if (mxcsr == Mxcsr.Load && (XsaveArea.ReadU32(area, XsaveArea.Mxcsr) & ~facts.MxcsrMask) != 0)
            return Fail(Faults.MxcsrReserved, state, memory);

        ulong load = rfbm & xstateBv;
        if ((load & state.Xfd.Bits) != 0) return XfdFault(state, memory, load);

        // The standard form's operand is the whole area of RFBM, loaded or not (docs/findings.md F2: a zero XSTATE_BV
        // with RFBM = 7 on 576 bytes #PFs on AMD family 19h); the compacted forms touch only what they load.
        Span<int> offset = stackalloc int[64];
        int end = XsaveArea.ExtendedStart;
        for (ulong m = rfbm & XsaveArea.ExtendedMask; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            offset[i] = facts.Tables.StandardOffset(i);
            end = Math.Max(end, offset[i] + facts.Tables.Size(i));
        }
        if (end > memory.Length) return ComponentPageFault(state, memory, rfbm);
        return Apply(facts, state, memory, rfbm, load, offset, mxcsr);
    }

    public static InstructionOutcome Xrstors(CpuFacts facts, MachineState state, ulong edxEax, XsaveBuffer memory)
    {
        if (memory.Length < XsaveArea.HeaderEnd) return Fail(Faults.HeaderOutside, state, memory);
        var area = memory.Bytes.AsSpan();
        ulong xstateBv = XsaveArea.ReadU64(area, XsaveArea.XstateBv);
        ulong xcompBv = XsaveArea.ReadU64(area, XsaveArea.XcompBv);

        // R25: XRSTORS has no standard form.
        if ((xcompBv & XsaveArea.CompactedFormat) == 0) return Fail(Faults.XrstorsStandardForm, state, memory);

        // R25: RFBM and the XCOMP_BV check both use XCR0 | IA32_XSS.
        ulong enabled = state.Xcr0.Bits | state.Xss.Bits;
        return Compacted(facts, state, memory, enabled & edxEax, enabled, xstateBv, xcompBv);
    }

    /// <summary>The compacted restore shared by XRSTOR (R24, enabled = XCR0) and XRSTORS (R25, XCR0 | IA32_XSS).</summary>
    private static InstructionOutcome Compacted(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong rfbm, ulong enabled,
        ulong xstateBv, ulong xcompBv)
    {
        var area = memory.Bytes.AsSpan();
        ulong format = xcompBv & ~XsaveArea.CompactedFormat;

        // R24/R25: XCOMP_BV[62:0] enabled, XSTATE_BV within it (this also rejects XSTATE_BV[63]), bytes 16..63 zero.
        if ((format & ~enabled) != 0) return Fail(Faults.FormatNotEnabled, state, memory);
        if ((xstateBv & ~format) != 0) return Fail(Faults.BvOutsideFormat, state, memory);
        if (area[(XsaveArea.XcompBv + 8)..XsaveArea.HeaderEnd].ContainsAnyExcept((byte)0))
            return Fail(Faults.CompactedHeaderBytes, state, memory);

        ulong load = rfbm & xstateBv;
        // R24: MXCSR is part of SSE here: loaded with it, 1F80H when SSE is initialized, untouched without RFBM[1] (KO §5d/§5e).
        var mxcsr = (rfbm & XsaveArea.SseMask) == 0 ? Mxcsr.Keep
                  : (load & XsaveArea.SseMask) != 0 ? Mxcsr.Load
                  : Mxcsr.Init;
        if (mxcsr == Mxcsr.Load && (XsaveArea.ReadU32(area, XsaveArea.Mxcsr) & ~facts.MxcsrMask) != 0)
            return Fail(Faults.MxcsrReserved, state, memory);

        if ((load & state.Xfd.Bits) != 0) return XfdFault(state, memory, load);

        // R15: offsets come from XCOMP_BV, never from XSTATE_BV.
        var t = facts.Tables;
        Span<int> offset = stackalloc int[64];
        int next = XsaveArea.ExtendedStart, end = 0;
        for (ulong m = format & XsaveArea.ExtendedMask; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            if (((t.Aligned64 >> i) & 1) != 0) next = XsaveArea.Align64(next);
            offset[i] = next;
            if (((load >> i) & 1) != 0) end = Math.Max(end, next + t.Size(i));
            next += t.Size(i);
        }
        if (end > memory.Length) return ComponentPageFault(state, memory, rfbm);
        return Apply(facts, state, memory, rfbm, load, offset, mxcsr);
    }

    /// <summary>
    /// R26: every RFBM component is loaded (XSTATE_BV[i] = 1) or set to its init configuration; the others are not
    /// touched. XINUSE follows what was loaded.
    /// </summary>
    private static InstructionOutcome Apply(CpuFacts facts, MachineState state, XsaveBuffer memory, ulong rfbm, ulong load,
        ReadOnlySpan<int> offset, Mxcsr mxcsr)
    {
        var area = memory.Bytes.AsSpan();
        var components = state.Components.ToBuilder();
        for (ulong m = rfbm & facts.Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            if (((load >> i) & 1) == 0)
            {
                components[i] = facts.InitImage(i);
                continue;
            }
            var bytes = new byte[facts.InitImage(i).Length];
            switch (i)
            {
                case XsaveArea.X87: // bytes 24..31 are SSE's MXCSR/MXCSR_MASK: they stay zero in the x87 image
                    area[..XsaveArea.Mxcsr].CopyTo(bytes);
                    area[XsaveArea.St0..XsaveArea.X87Bytes].CopyTo(bytes.AsSpan(XsaveArea.St0));
                    break;
                case XsaveArea.Sse:
                    area.Slice(XsaveArea.Xmm0, XsaveArea.XmmBytes).CopyTo(bytes);
                    break;
                default:
                    area.Slice(offset[i], bytes.Length).CopyTo(bytes);
                    break;
            }
            components[i] = ImmutableCollectionsMarshal.AsImmutableArray(bytes);
        }

        var next = state with
        {
            Components = components.ToImmutable(),
            // SDM XRSTOR: a loaded component is tracked as in use, an initialized one as not.
            XinUse = new((state.XinUse.Bits & ~rfbm) | load),
            // R20a, SDM 13.8.3: XMODIFIED[i] := 0 for RFBM, XRSTOR_INFO := (CPL, address, XCOMP_BV).
            LastRestore = new RestoreTracking(memory.Address, state.Cpl, new(XsaveArea.ReadU64(area, XsaveArea.XcompBv)),
                new((state.LastRestore?.Unmodified.Bits ?? 0) | rfbm)),
            Mxcsr = mxcsr switch
            {
                Mxcsr.Load => XsaveArea.ReadU32(area, XsaveArea.Mxcsr),
                Mxcsr.Init => XsaveArea.InitMxcsr,
                _ => state.Mxcsr,
            },
        };
        return InstructionOutcome.Success(next, memory);
    }

    /// <summary>R27: #NM, and IA32_XFD_ERR records the disabled components that were to be loaded.</summary>
    private static InstructionOutcome XfdFault(MachineState state, XsaveBuffer memory, ulong load)
    {
        ulong disabled = load & state.Xfd.Bits;
        return InstructionOutcome.Faulted(Faults.XfdDisabled(disabled), state with { XfdErr = new(state.XfdErr.Bits | disabled) }, memory);
    }

    /// <summary>#PF on a component: the registers are as before, but hardware may have loaded some RFBM components.</summary>
    private static InstructionOutcome ComponentPageFault(MachineState state, XsaveBuffer memory, ulong rfbm) =>
        InstructionOutcome.Faulted(Faults.RestoreOutside, state, memory) with { UnspecifiedComponents = new(rfbm) };

    private static InstructionOutcome Fail(Fault fault, MachineState state, XsaveBuffer memory) =>
        InstructionOutcome.Faulted(fault, state, memory);
}
