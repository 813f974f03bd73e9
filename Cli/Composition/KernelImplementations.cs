using Xsave.Adapters.Kernel;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Composition;

/// <summary>
/// "kernel": this machine's CPU (and, as the kernel probe joins, its Linux kernel) through the native helper;
/// "qemu-user:MODEL": the same helper under qemu-x86_64 -cpu MODEL, so the CPU is the emulated one (issue 13). The
/// helper is started when the name is resolved; where it cannot run, the implementation declares no part and every
/// property is skipped with the reason (never an error, never a pass).
/// </summary>
public sealed class KernelImplementations : IImplementationProvider
{
    public const string QemuScheme = "qemu-user:";
    public const string QemuProgram = "qemu-x86_64";

    /// <summary>The emulator binary to use instead of qemu-x86_64 on PATH (an emulator author's own build).</summary>
    public const string QemuVariable = "XSAVE_QEMU";

    /// <summary>Per request under an emulator when --impl-timeout is not given: TCG is slow, 30 s is generous.</summary>
    public static readonly TimeSpan DefaultQemuTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyList<ImplementationInfo> Listed { get; } =
    [
        new(KernelImplementation.ImplementationName, "this machine: the live CPU through the native helper native/xsave-cpu (needs Linux x86-64 and gcc at build time)"),
        new(QemuScheme + "<model>", "the native helper under qemu-x86_64 -cpu <model> (Debian package qemu-user)"),
    ];

    public ImplementationLookup? TryResolve(string name)
    {
        if (name == KernelImplementation.ImplementationName) return ImplementationLookup.Found(KernelImplementation.Start());
        if (!name.StartsWith(QemuScheme, StringComparison.Ordinal)) return null;
        var model = QemuUser.Model(name);
        if (QemuUser.NameProblem(name) is { } bad) return ImplementationLookup.Failed(bad);
        var timeout = ProcessImplementations.Timeout(ProcessImplementations.CurrentOptions) ?? DefaultQemuTimeout;
        if (timeout <= TimeSpan.Zero)
            return ImplementationLookup.Failed($"'{name}': --impl-timeout must be more than 0 seconds");
        var qemu = QemuUser.Locate(name, out var missing, out var error);
        if (error is not null) return ImplementationLookup.Failed(error);
        if (qemu is null) return ImplementationLookup.Found(KernelImplementation.Unavailable(name, missing!));
        return ImplementationLookup.Found(KernelImplementation.Start(wrapper: [qemu, "-cpu", model], name: name, timeout: timeout)
            .WithEmulatorVersion(VersionLine(qemu)));
    }

    /// <summary>The first line of "qemu --version", or null when it does not answer within 10 s.</summary>
    public static string? VersionLine(string qemu)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(qemu, ["--version"])
                { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return null;
            var line = p.StandardOutput.ReadLineAsync();
            if (!p.WaitForExit(10_000)) { p.Kill(); return null; }
            return line.Wait(1000) ? line.Result?.Trim() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
