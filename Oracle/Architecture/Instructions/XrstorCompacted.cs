using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The compacted form of XRSTOR, XCOMP_BV[63] = 1 (SPEC R24; SDM XRSTOR), and the compacted restore it shares with
/// XRSTORS (R25). Conventions: <c>format</c> = XCOMP_BV[62:0] (SDM FORMAT), which alone decides the layout (R15);
/// <c>allowed</c> = the register the format must fit in (XCR0 for XRSTOR, XCR0 | IA32_XSS for XRSTORS).
/// </summary>
internal static class XrstorCompacted
{
    public static RestoreCheck Check(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order step 6. R24: #GP if the CPU lacks XSAVEC (the compacted form of XRSTOR comes with it, R5).
        if (!cpu.HasXsavec)
            return RestoreCheck.Failed(new Fault(FaultKind.GP, "R24", "compacted XRSTOR (XCOMP_BV[63] = 1) on a CPU without XSAVEC"));

        // R24: RFBM = XCR0 AND EDX:EAX; XCOMP_BV[62:0] must be enabled in XCR0.
        return Restore(cpu, state, buffer, state.Xcr0 & edxEax, state.Xcr0, "XCR0", "R24");
    }

    /// <summary>Header checks (step 6), MXCSR (step 7) and the load plan of a compacted restore.</summary>
    internal static RestoreCheck Restore(CpuModel cpu, MachineState state, XsaveBuffer buffer, FeatureMask rfbm,
        FeatureMask allowed, string allowedName, string rule)
    {
        var xstateBv = buffer.ReadXstateBv();
        var format = buffer.ReadXcompBv().Without(XFeatures.CompactedFormatBit);

        // R24/R25: #GP if XCOMP_BV[62:0] has a bit that is clear in XCR0 (XRSTOR) or XCR0 | IA32_XSS (XRSTORS).
        var notEnabled = format.Except(allowed);
        if (!notEnabled.IsEmpty)
            return Fault($"XCOMP_BV[62:0] {format} has bits {notEnabled} ({notEnabled.Describe()}) that are clear in {allowedName} {allowed}");

        // R24/R25: #GP if XSTATE_BV has a bit that is clear in XCOMP_BV[62:0] (this also rejects XSTATE_BV[63]).
        var notInFormat = xstateBv.Except(format);
        if (!notInFormat.IsEmpty)
            return Fault($"XSTATE_BV {xstateBv} has bits {notInFormat} outside XCOMP_BV[62:0] {format}");

        // R24/R25: #GP if header bytes 63:16 are not zero (KO §5d: bytes 16, 24 and 63 all checked).
        if (!RestoreSemantics.HeaderBytesZero(buffer, 16))
            return Fault("header bytes 16..63 are not zero");

        // SDM: TO_BE_RESTORED = RFBM AND FORMAT AND XSTATE_BV = RFBM AND XSTATE_BV (XSTATE_BV is within FORMAT now).
        // R26: every other RFBM component is initialized, including RFBM bits outside FORMAT.
        var toLoad = rfbm & xstateBv;

        // Fault order step 7. R24: MXCSR is part of SSE in the compacted form: checked and loaded only when SSE is
        // loaded (KO §5d), set to 1F80H when SSE is initialized (KO §5e), untouched when RFBM[1] = 0.
        var mxcsr = !rfbm.Contains(XFeature.Sse) ? MxcsrAction.Unchanged
            : toLoad.Contains(XFeature.Sse) ? MxcsrAction.Load
            : MxcsrAction.Initialize;
        if (mxcsr == MxcsrAction.Load && RestoreSemantics.MxcsrFault(cpu, buffer, rule) is { } mxcsrFault)
            return RestoreCheck.Failed(mxcsrFault);

        // R15: offsets come from XCOMP_BV, not from XSTATE_BV.
        var plan = new RestorePlan(rfbm, toLoad, CompactedLayout.For(cpu, format), mxcsr, "R15");
        return RestoreCheck.Planned(plan);

        RestoreCheck Fault(string reason) => RestoreCheck.Failed(new Fault(FaultKind.GP, rule, reason));
    }
}
