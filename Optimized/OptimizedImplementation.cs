using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Optimized.Architecture;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized;

/// <summary>
/// The default system under test. Per-CPU tables are built once per CPU model (the kernel builds them once per boot)
/// and kept for the life of this object.
/// </summary>
public sealed class OptimizedImplementation : IXstateImplementation
{
    public const string ImplementationName = "optimized";

    // Keyed by the model object and dropped with it: property runs create thousands of synthetic CPUs.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<CpuModel, OptimizedCpuArchitecture> _booted = new();

    public string Name => ImplementationName;

    public string Description => "kernel-style: boot-time tables, bit operations, no allocation on hot queries";

    public ImplementationCapabilities Capabilities { get; } = new(ContractPart.Layout | ContractPart.RegisterValidity | ContractPart.Instructions
        | ContractPart.LinuxBoot | ContractPart.LinuxProcess | ContractPart.Uabi | ContractPart.Kvm);

    public ICpuArchitecture Architecture(CpuModel cpu)
    {
        return _booted.GetValue(cpu, static c => new OptimizedCpuArchitecture(c));
    }

    /// <summary>A fresh kernel: fpu__init_system on <paramref name="cpu"/> (Linux.Fpu.BootTables), process 1, no vCPU.</summary>
    public Contract.Linux.IKernel Boot(CpuModel cpu, Contract.Linux.KernelConfig config) => new OptimizedKernel(cpu, config);
}
