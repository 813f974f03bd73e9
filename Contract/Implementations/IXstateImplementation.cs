namespace Xsave.Contract.Implementations;

/// <summary>
/// One implementation of the contract: the oracle, the optimized implementation, and later a process speaking the
/// documented protocol, the real kernel, or an emulator. The harness never knows which one it runs.
/// </summary>
public interface IXstateImplementation
{
    /// <summary>Short stable name used on the command line and in regression files, e.g. "oracle", "optimized".</summary>
    string Name { get; }

    string Description { get; }

    ImplementationCapabilities Capabilities { get; }

    /// <summary>The architecture bound to one CPU. Only called when <see cref="ContractPart.Layout"/> or
    /// <see cref="ContractPart.RegisterValidity"/> is declared.</summary>
    ICpuArchitecture Architecture(CpuModel cpu);

    /// <summary>
    /// Boots a kernel with <paramref name="config"/> on <paramref name="cpu"/>: a fresh world with process 1 (thread
    /// 0) and no vCPU. Only called when one of the Linux parts (<see cref="ContractPart.Linux"/>) is declared.
    /// </summary>
    Linux.IKernel Boot(CpuModel cpu, Linux.KernelConfig config);
}
