namespace Xsave.Contract.Machine;

/// <summary>
/// An implementation of the XSAVE architecture: the oracle, an optimized model, or an adapter to a real CPU. Pure:
/// the result depends only on the arguments, and neither <paramref name="state"/> nor the operation's memory changes.
/// </summary>
public interface IArchitecture
{
    string Name { get; }

    InstructionOutcome Execute(CpuModel cpu, MachineState state, ArchOperation operation);
}
