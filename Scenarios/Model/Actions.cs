using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Scenarios.Model;

/// <summary>What a step does. Actions that read a side's earlier results ("saved" images) build their operation per side.</summary>
public abstract record StepAction
{
    /// <summary>The contract part an implementation must declare for this step.</summary>
    public abstract ContractPart Needs { get; }

    /// <summary>Which fields of <see cref="FieldTable"/> an expectation on this step may name.</summary>
    public abstract FieldScope Fields { get; }
}

/// <summary>A Linux/KVM operation of the contract (<see cref="KernelOp"/>), built from what this side produced so far.</summary>
public sealed record KernelAction(ContractPart Part, Func<SideInputs, KernelOp> Build) : StepAction
{
    public override ContractPart Needs => Part;
    public override FieldScope Fields => FieldScope.Kernel;
}

/// <summary>No operation: checks fields of the boot configuration (boot.*).</summary>
public sealed record BootAction : StepAction
{
    public override ContractPart Needs => ContractPart.LinuxBoot;
    public override FieldScope Fields => FieldScope.Boot;
}

/// <summary>Checkpoint: the invariants of SPEC part D (the kernel invariant laws) hold on every state so far.</summary>
public sealed record InvariantsAction : StepAction
{
    public override ContractPart Needs => ContractPart.LinuxProcess;
    public override FieldScope Fields => FieldScope.Invariants;
}

/// <summary>Sets fields of the machine state the architecture steps act on (no implementation involved).</summary>
public sealed record MachineAction(Func<MachineState, CpuModel, MachineState> Apply) : StepAction
{
    public override ContractPart Needs => ContractPart.None;
    public override FieldScope Fields => FieldScope.Instruction;
}

/// <summary>An XSAVE-family instruction, XSETBV, XGETBV, WRMSR, INIT or RESET on the machine state.</summary>
public sealed record InstructionAction(Func<SideInputs, ArchOperation> Build) : StepAction
{
    public override ContractPart Needs => ContractPart.Instructions;
    public override FieldScope Fields => FieldScope.Instruction;
}

/// <summary>A layout, size or validity query on the architecture bound to the scenario's CPU.</summary>
public sealed record QueryAction(ContractPart Part, Func<ICpuArchitecture, IReadOnlyDictionary<string, FieldValue>> Ask) : StepAction
{
    public override ContractPart Needs => Part;
    public override FieldScope Fields => FieldScope.Query;
}

/// <summary>What a side produced earlier that a step may reuse: the last image a kernel step returned, the last buffer
/// an instruction wrote, and the CPU.</summary>
public sealed record SideInputs(CpuModel Cpu, byte[]? SavedData, XsaveBuffer? SavedBuffer);

/// <summary>Thrown while building a step's operation on one side (e.g. "saved" with nothing saved yet); reported as a
/// failing step, never as a crash.</summary>
public sealed class StepInputException(string message) : Exception(message);
