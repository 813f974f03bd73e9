using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The reference model of the XSAVE instructions (SPEC R17-R29): one entry point that hands each operation to the
/// file that implements its rules. The fault priority order is documented once, on <see cref="CommonChecks"/>.
/// </summary>
public sealed class ArchitectureOracle
{
    public static ArchitectureOracle Instance { get; } = new();

    public InstructionOutcome Execute(CpuModel cpu, MachineState state, ArchOperation operation) => Run(cpu, state, operation);

    /// <summary>
    /// Executes one operation. The state must fit the CPU (<see cref="MachineState.ShapeProblems"/> empty): a state no
    /// machine can be in is a harness error, not an architectural input, and is refused with an ArgumentException.
    /// </summary>
    public static InstructionOutcome Run(CpuModel cpu, MachineState state, ArchOperation operation)
    {
        var problems = state.ShapeProblems(cpu);
        if (problems.Count > 0)
            throw new ArgumentException($"the machine state does not fit CPU {cpu.Id}: {string.Join("; ", problems)}", nameof(state));

        // R17, R20a: every outcome leaves the XINUSE bits of init-configuration components open.
        return OpenInUse.Mark(Dispatch(), operation);

        InstructionOutcome Dispatch() => operation switch
        {
            XsaveFamilyOp op => op.Instruction switch
            {
                XsaveInstruction.Xsave => XsaveSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                XsaveInstruction.Xsaveopt => XsaveoptSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                XsaveInstruction.Xsavec => XsavecSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                XsaveInstruction.Xsaves => XsavesSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                XsaveInstruction.Xrstor => XrstorSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                XsaveInstruction.Xrstors => XrstorsSemantics.Execute(cpu, state, op.EdxEax, op.Memory),
                _ => throw new ArgumentException($"unknown instruction {op.Instruction}", nameof(operation)),
            },
            XsetbvOp op => XsetbvSemantics.Execute(cpu, state, op.Ecx, op.Value),
            XgetbvOp op => XgetbvSemantics.Execute(cpu, state, op.Ecx),
            WrmsrOp op => WrmsrSemantics.Execute(cpu, state, op.Msr, op.Value),
            InitOp => InitSemantics.Execute(state),
            ResetOp => ResetSemantics.Execute(state),
            _ => throw new ArgumentException($"unknown operation {operation.GetType().Name}", nameof(operation)),
        };
    }
}
