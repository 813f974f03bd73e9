using Xsave.Contract.Machine;

namespace Xsave.TestSupport;

/// <summary>Reading an instruction's outcome in a test: it must have succeeded, or faulted.</summary>
public static class Outcomes
{
    public static InstructionOutcome Ok(InstructionOutcome outcome) =>
        outcome.Fault is null ? outcome : throw new Xunit.Sdk.XunitException($"expected success, got {outcome.Fault}");

    public static Fault FaultOf(InstructionOutcome outcome) =>
        outcome.Fault ?? throw new Xunit.Sdk.XunitException($"expected a fault, the operation succeeded: {outcome}");

    public static FaultKind? KindOf(InstructionOutcome outcome) => outcome.Fault?.Kind;
}
