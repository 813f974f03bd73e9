using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XSAVE, standard format (SPEC R19; SDM XSAVE). Conventions: <c>rfbm</c> = requested-feature bitmap; <c>inUse</c> =
/// the components XSAVE* consider in use (<see cref="InUse.ForSave"/>).
/// </summary>
public static class XsaveSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18).
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xsave, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // R19: RFBM = XCR0 AND EDX:EAX.
        var rfbm = state.Xcr0 & edxEax;
        return SaveStandard(cpu, state, buffer, rfbm, initOptimization: false);
    }

    /// <summary>
    /// The standard-format save shared by XSAVE (R19) and XSAVEOPT (R20). With <paramref name="initOptimization"/>, a
    /// component not in use is skipped and its bytes reported unspecified (R20).
    /// </summary>
    internal static InstructionOutcome SaveStandard(CpuModel cpu, MachineState state, XsaveBuffer buffer, FeatureMask rfbm,
        bool initOptimization)
    {
        var inUse = InUse.ForSave(state);
        var writes = new PendingWrites();
        var layout = StandardLayout.For(cpu, rfbm);

        // R19: every component with RFBM[i] = 1 at its standard location (R12 legacy region, R14 CPUID offsets).
        foreach (var placement in layout.Placements)
        {
            int i = placement.Index;
            // R20: XSAVEOPT skips a component that is not in use (this model's one behaviour); R27: an XFD-disabled one too.
            if (initOptimization && !inUse.Contains(i)) continue;
            // R19: XSAVE writes every RFBM component, one not in use (incl. XFD-disabled, R27) with its init values (KO §5a).
            ComponentImage.Store(writes, placement, ComponentImage.ValueToSave(state, placement, inUse.Contains(i)));
        }

        // R19, R20: MXCSR and MXCSR_MASK are written if RFBM[1] = 1 or RFBM[2] = 1 (KO §5a: RFBM = 1 writes neither).
        if (rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm))
        {
            writes.UInt32(LegacyRegion.Mxcsr, state.Mxcsr);
            writes.UInt32(LegacyRegion.MxcsrMask, cpu.MxcsrMask);
        }

        // R19: XSTATE_BV := (OLD_BV AND NOT RFBM) OR (XINUSE AND RFBM); XCOMP_BV and the reserved bytes are untouched.
        // (If the header is outside the buffer the write below faults, so the old value does not matter.)
        var oldBv = buffer.Covers(new ByteRange(LegacyRegion.XstateBv, 8)) ? buffer.ReadXstateBv() : FeatureMask.None;
        writes.UInt64(LegacyRegion.XstateBv, ((oldBv & ~rfbm) | (inUse & rfbm)).Bits);

        // R20a: XSTATE_BV[i] of a component in its initial configuration is either value. XSAVE writes every RFBM
        // component, so its bytes stay defined; XSAVEOPT may skip such a component (init optimization) and one unmodified
        // since the XRSTOR this save corresponds to (modified optimization, COMPMASK 0), so their bytes are unspecified.
        var either = UnspecifiedSave.EitherInUse(state, rfbm, compacted: false);
        var skippable = initOptimization ? either | UnspecifiedSave.Unmodified(state, buffer, rfbm, FeatureMask.None) : FeatureMask.None;

        // Fault order step 9, then the writes.
        return MemoryFaults.CommitSave(state, buffer, writes, UnspecifiedSave.Bytes(layout, skippable).ToList(), "R14", either,
            layout.Size);
    }
}
