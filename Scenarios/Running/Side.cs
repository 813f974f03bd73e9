using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Running;

/// <summary>
/// One implementation running one scenario: its booted kernel (booted at the first step that needs it), the names that
/// exist, the kernel operations applied so far (for invariant checkpoints), the machine state of the architecture
/// steps, and the last image and buffer it produced (what "saved" refers to).
/// </summary>
internal sealed class Side(IXstateImplementation impl, Scenario scenario)
{
    private IKernel? _kernel;
    private ICpuArchitecture? _arch;

    public IXstateImplementation Impl { get; } = impl;
    public WorldShape Shape { get; set; } = WorldShape.Initial;
    public List<KernelOp> Applied { get; } = [];
    public MachineState Machine { get; set; } = MachineState.Init(scenario.Cpu);
    public byte[]? SavedData { get; set; }
    public XsaveBuffer? SavedBuffer { get; set; }

    public IKernel Kernel => _kernel ??= Impl.Boot(scenario.Cpu, scenario.Config);
    public ICpuArchitecture Arch => _arch ??= Impl.Architecture(scenario.Cpu);
    public SideInputs Inputs => new(scenario.Cpu, SavedData, SavedBuffer);
}

/// <summary>What one side observed at one step: a one-line outcome, its fields, and what the two sides are compared on.</summary>
internal sealed record Observation(string Outcome, Func<string, FieldValue?> Field, object? Comparable, string? Error = null)
{
    public static Observation Failed(string error) => new(error, _ => null, null, error);
}
