using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// SPEC R17, R20a: XINUSE[i] of a component in its init configuration may be 0 or 1 — the SDM lets a processor track
/// "in use" conservatively, and the CPUs we measured track values instead (KO §1c: writing zeros, or XRSTOR of a zero
/// image with XSTATE_BV[i] = 1, leaves XINUSE[i] = 0). This model keeps its one behaviour (R17's bookkeeping) and marks
/// those bits open in every outcome: in the state after, and in what XGETBV(1) returns.
/// </summary>
internal static class OpenInUse
{
    public static InstructionOutcome Mark(InstructionOutcome outcome, ArchOperation operation)
    {
        var open = InInitConfiguration(outcome.State);
        return outcome with
        {
            UnspecifiedXinUse = open,
            UnspecifiedReturnedBits = operation is XgetbvOp { Ecx: 1 } && outcome.ReturnedValue is not null
                ? open & outcome.State.Xcr0
                : FeatureMask.None,
        };
    }

    /// <summary>R17: components not in use, or holding exactly their init image (SSE: the XMM registers; MXCSR is not
    /// part of it — "XINUSE[1] may be 0 even when MXCSR != 1F80H").</summary>
    private static FeatureMask InInitConfiguration(MachineState state)
    {
        var open = FeatureMask.None;
        foreach (var (i, bytes) in state.Components)
            if (!state.XinUse.Contains(i) || bytes.AsSpan().SequenceEqual(InitConfiguration.Image(i, bytes.Length)))
                open = open.With(i);
        return open;
    }
}
