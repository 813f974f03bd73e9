using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The standard form of XRSTOR, XCOMP_BV[63] = 0 (SPEC R23; SDM XRSTOR). Conventions: <c>xstateBv</c> and the header
/// bytes are read from the buffer; <c>rfbm</c> = requested-feature bitmap.
/// </summary>
internal static class XrstorStandard
{
    public static RestoreCheck Check(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        var xstateBv = buffer.ReadXstateBv();

        // Fault order step 6, header checks in this order:
        // R23: #GP if XSTATE_BV has a bit that is 0 in XCR0 — XCR0, not RFBM (KO §5d: bit 3 with RFBM = 7 faults, bit 5
        // of XCR0 outside RFBM does not).
        var notEnabled = xstateBv.Except(state.Xcr0);
        if (!notEnabled.IsEmpty)
            return Fault($"XSTATE_BV {xstateBv} has bits {notEnabled} ({notEnabled.Describe()}) that are clear in XCR0 {state.Xcr0}");

        // R23: #GP if header bytes 23:8 are not zero, i.e. XCOMP_BV (whose bit 63 is 0 here) or the first 8 reserved
        // bytes. Bytes 63:24 are not checked in the standard form (KO §5d).
        if (!HeaderBytes8To23Zero(buffer))
            return Fault("header bytes 8..23 (XCOMP_BV and reserved bytes 0..7) are not zero");

        // R23: RFBM = XCR0 AND EDX:EAX.
        var rfbm = state.Xcr0 & edxEax;

        // Fault order step 7. R23: MXCSR is loaded whenever RFBM[1] = 1 or RFBM[2] = 1, whatever XSTATE_BV says
        // (KO §5d/§5e), and #GP if it sets reserved bits.
        bool loadsMxcsr = rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm);
        if (loadsMxcsr && RestoreSemantics.MxcsrFault(cpu, buffer, "R23") is { } mxcsrFault)
            return RestoreCheck.Failed(mxcsrFault);

        // R23, R26: for i in RFBM: XSTATE_BV[i] = 1 -> load from the standard offset (R14), else initialize. The SDM's
        // "XMM registers only" load/initialize for SSE follows from MXCSR being separate state in this model.
        var plan = new RestorePlan(rfbm, rfbm & xstateBv, StandardLayout.For(cpu, rfbm),
            loadsMxcsr ? MxcsrAction.Load : MxcsrAction.Unchanged, "R14");
        return RestoreCheck.Planned(plan);

        RestoreCheck Fault(string reason) => RestoreCheck.Failed(new Fault(FaultKind.GP, "R23", reason));
    }

    private static bool HeaderBytes8To23Zero(XsaveBuffer buffer) =>
        !buffer.Span(XFeatures.HeaderOffset + 8, 16).ContainsAnyExcept((byte)0);
}
