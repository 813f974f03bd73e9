using Xsave.Adapters.Process;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Adapters.Kernel;

/// <summary>
/// The machine the runner runs on as an implementation (--impl kernel): the CPU-level part ("instructions") is the
/// native helper native/xsave-cpu, a child process speaking docs/protocol.md (so a fault, a hang or a crash of it is a
/// harness error, never a crash of the runner, and it is always reaped). Its CPU model and the machine state it cannot
/// leave come from the helper's handshake (live CPUID, XGETBV, CPL 3). Where the helper cannot run, the implementation
/// declares no part, and every check is skipped with the reason.
/// <para>The Linux parts (arch_prctl, ptrace, signals, KVM) are checked by the separate kernel probe; this class is where
/// they join: each source adds its parts to <see cref="Capabilities"/>.</para>
/// </summary>
public sealed class KernelImplementation : IXstateImplementation, IDisposable
{
    public const string ImplementationName = "kernel";

    private readonly ProcessImplementation? _cpu;

    private KernelImplementation(ProcessImplementation? cpu, string? unavailable, string name, string description)
    {
        _cpu = cpu;
        Name = name;
        Description = description;
        Capabilities = cpu is null
            ? new ImplementationCapabilities(ContractPart.None, ObservesInternalState: false, MissingPartsReason: unavailable)
            : cpu.Capabilities with { Parts = cpu.Capabilities.Parts & ContractPart.Instructions, ObservesInternalState = false };
    }

    public string Name { get; }
    public string Description { get; }

    /// <summary>The emulator's version line (e.g. "qemu-x86_64 version 7.2.22 (...)") when the helper runs under one;
    /// expected-failure tables match their version ranges against it.</summary>
    public string? EmulatorVersion { get; init; }
    public ImplementationCapabilities Capabilities { get; }

    /// <summary>The live CPU through the helper at <paramref name="helper"/> (null: found next to the runner), run
    /// directly or under <paramref name="wrapper"/> (an emulator command, e.g. qemu-x86_64 -cpu max).</summary>
    public static KernelImplementation Start(string? helper = null, IReadOnlyList<string>? wrapper = null, string name = ImplementationName,
        TimeSpan? timeout = null)
    {
        string? reason = null;
        var path = helper ?? NativeHelper.Locate(out reason);
        string description = wrapper is { Count: > 0 } ? $"the native helper under {string.Join(" ", wrapper)}" : "this machine's CPU (native helper at CPL 3)";
        if (path is null) return new KernelImplementation(null, reason, name, description);
        var t = timeout ?? ProcessLaunch.DefaultTimeout;
        var launch = new ProcessLaunch([.. wrapper ?? [], path], t, t > ProcessLaunch.DefaultStartTimeout ? t : ProcessLaunch.DefaultStartTimeout);
        try
        {
            return new KernelImplementation(ProcessImplementation.Start(launch), null, name, description);
        }
        catch (ImplementationUnavailableException e)
        {
            return new KernelImplementation(null, "native helper did not start: " + e.Message, name, description);
        }
    }

    /// <summary>An implementation that declares no part, because of <paramref name="reason"/> (every check is skipped with it).</summary>
    public static KernelImplementation Unavailable(string name, string reason) => new(null, reason, name, reason);

    /// <summary>The same implementation, naming the emulator's version.</summary>
    public KernelImplementation WithEmulatorVersion(string? version) => new(_cpu, Capabilities.MissingPartsReason, Name, Description) { EmulatorVersion = version };

    public ICpuArchitecture Architecture(CpuModel cpu) =>
        _cpu is not null && Capabilities.Supports(ContractPart.Instructions)
            ? _cpu.Architecture(cpu)
            : throw new NotSupportedException($"{Name}: {Capabilities.MissingPartsReason ?? "the helper declares no instructions part"}");

    public IKernel Boot(CpuModel cpu, KernelConfig config) =>
        throw new NotSupportedException($"{Name}: the Linux parts are not implemented by the CPU helper");

    public void Dispose() => _cpu?.Dispose();
}
