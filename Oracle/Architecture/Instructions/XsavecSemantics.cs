using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XSAVEC, compacted format with the init optimization (SPEC R21; SDM XSAVEC). Conventions: <c>rfbm</c> =
/// requested-feature bitmap; <c>toBeSaved</c> = RFBM AND in use (SDM TO_BE_SAVED).
/// </summary>
public static class XsavecSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18), incl. #UD without CPUID.(0xD,1).EAX[1].
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xsavec, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // R21: RFBM = XCR0 AND EDX:EAX.
        var rfbm = state.Xcr0 & edxEax;
        return SaveCompacted(cpu, state, buffer, rfbm, modifiedOptimization: false);
    }

    /// <summary>
    /// The compacted save shared by XSAVEC (R21) and XSAVES (R22); only XSAVES may use the modified optimization (R20a).
    /// </summary>
    internal static InstructionOutcome SaveCompacted(CpuModel cpu, MachineState state, XsaveBuffer buffer, FeatureMask rfbm,
        bool modifiedOptimization)
    {
        // R21: TO_BE_SAVED = RFBM AND XINUSE, SSE also when MXCSR != 1F80H (R17); R27: XFD-disabled never in use.
        var toBeSaved = rfbm & InUse.ForSave(state);
        // R21: COMPMASK = RFBM OR BIT63.
        var xcompBv = rfbm | ArchMasks.CompactedFormat;
        var writes = new PendingWrites();

        // R21, R15: layout with C = RFBM; a component not saved keeps its space but is not written (KO §5b).
        var layout = CompactedLayout.For(cpu, xcompBv);
        foreach (var placement in layout.Placements)
            if (toBeSaved.Contains(placement.Index))
                ComponentImage.Store(writes, placement, ComponentImage.ValueToSave(state, placement, inUse: true));

        // R21: SSE state in the legacy region is XMM, MXCSR and MXCSR_MASK (SDM XSAVEC); MXCSR is written only when
        // SSE is saved (KO §5b).
        if (toBeSaved.Contains(XFeature.Sse))
        {
            writes.UInt32(LegacyRegion.Mxcsr, state.Mxcsr);
            writes.UInt32(LegacyRegion.MxcsrMask, cpu.MxcsrMask);
        }

        // R21: XSTATE_BV := TO_BE_SAVED (bits outside RFBM cleared); XCOMP_BV := COMPMASK. R22, KO §5b: header bytes
        // 16..63 are not written.
        writes.UInt64(LegacyRegion.XstateBv, toBeSaved.Bits);
        writes.UInt64(LegacyRegion.XcompBv, xcompBv.Bits);

        // R20a: a component in its initial configuration may be saved (init values, XSTATE_BV[i] = 1) or not (old bytes,
        // XSTATE_BV[i] = 0); XSAVES may also skip one unmodified since the XRSTORS it corresponds to (COMPMASK = XCOMP_BV).
        // SSE carries MXCSR/MXCSR_MASK with it (KO §5b). XCOMP_BV and header bytes 16..63 stay defined.
        var either = UnspecifiedSave.EitherInUse(state, rfbm, compacted: true);
        var skippable = either | (modifiedOptimization ? UnspecifiedSave.Unmodified(state, buffer, rfbm, xcompBv) : FeatureMask.None);
        var unspecified = UnspecifiedSave.Bytes(layout, skippable).ToList();
        if (skippable.Contains(XFeature.Sse)) unspecified.Add(ByteRange.FromTo(LegacyRegion.Mxcsr, LegacyRegion.StRegisters));

        // Fault order step 9, then the writes.
        return MemoryFaults.CommitSave(state, buffer, writes, unspecified, "R15", either, layout.Size);
    }
}
