using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Properties.Comparison;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Running;

/// <summary>
/// One implementation running one scenario: its kernel session (booted at the first step that needs it; the step loop
/// the kernel laws use too), the machine state of the architecture steps, and the last buffer an instruction wrote
/// (what "saved" refers to, with the session's last returned image).
/// </summary>
internal sealed class Side(IXstateImplementation impl, Scenario scenario)
{
    private KernelSession? _session;
    private ICpuArchitecture? _arch;

    public IXstateImplementation Impl { get; } = impl;
    public MachineState Machine { get; set; } = MachineState.Init(scenario.Cpu);
    public XsaveBuffer? SavedBuffer { get; set; }

    public KernelSession Session => _session ??= new KernelSession(Impl, scenario.Cpu, scenario.Config);
    public ICpuArchitecture Arch => _arch ??= ImplementationFault.Guard(Impl.Name, "Architecture", () => Impl.Architecture(scenario.Cpu));
    public SideInputs Inputs => new(scenario.Cpu, _session?.LastData, SavedBuffer);
}

/// <summary>What one side observed at one step: a one-line outcome, its fields, and what the two sides are compared on.
/// <see cref="Error"/> is a harness error (a crash or an input that cannot be built); <see cref="Mismatch"/> a step
/// that ran but broke a rule (an invariant checkpoint).</summary>
internal sealed record Observation(string Outcome, FieldSource Fields, object? Comparable, string? Error = null, string? Mismatch = null,
    string? Stack = null)
{
    public static Observation Failed(string error, string? stack = null) => new(error, new FieldSource(), null, error, Stack: stack);
}
