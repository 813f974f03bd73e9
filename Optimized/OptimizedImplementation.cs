using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Optimized.Architecture;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized;

/// <summary>
/// The default system under test. Per-CPU tables are built once per CPU model (the kernel builds them once per boot)
/// and kept while the model is among the last ones asked for.
/// </summary>
public sealed class OptimizedImplementation : IXstateImplementation
{
    public const string ImplementationName = "optimized";

    private readonly BootedCpus _booted = new();

    public string Name => ImplementationName;

    public string Description => "kernel-style: boot-time tables, bit operations, no allocation on hot queries";

    public ImplementationCapabilities Capabilities { get; } = new(ContractPart.Layout | ContractPart.RegisterValidity | ContractPart.Instructions
        | ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Uabi | ContractPart.Kvm);

    public ICpuArchitecture Architecture(CpuModel cpu)
    {
        return _booted.For(cpu);
    }

    /// <summary>A fresh kernel: fpu__init_system on <paramref name="cpu"/> (Linux.Fpu.BootTables), process 1, no vCPU.</summary>
    public Contract.Linux.IKernel Boot(CpuModel cpu, Contract.Linux.KernelConfig config) => new OptimizedKernel(cpu, config);
}
