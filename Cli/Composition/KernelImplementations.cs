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

    public IReadOnlyList<ImplementationInfo> Listed { get; } =
    [
        new(KernelImplementation.ImplementationName, "this machine: the live CPU through the native helper native/xsave-cpu (needs Linux x86-64 and gcc at build time)"),
        new(QemuScheme + "<model>", "the native helper under qemu-x86_64 -cpu <model> (Debian package qemu-user)"),
    ];

    public ImplementationLookup? TryResolve(string name)
    {
        if (name == KernelImplementation.ImplementationName) return ImplementationLookup.Found(KernelImplementation.Start());
        if (!name.StartsWith(QemuScheme, StringComparison.Ordinal)) return null;
        var model = name[QemuScheme.Length..];
        if (model.Length == 0 || model[0] == '-' || !model.All(c => char.IsLetterOrDigit(c) || "-_.,=+".Contains(c)))
            return ImplementationLookup.Failed($"'{name}': the QEMU CPU model must be a name such as max or Skylake-Server (see qemu-x86_64 -cpu help)");
        var qemu = FindOnPath(QemuProgram);
        return ImplementationLookup.Found(qemu is null
            ? KernelImplementation.Unavailable(name, $"{QemuProgram} not found on PATH (apt-get install qemu-user)")
            : KernelImplementation.Start(wrapper: [qemu, "-cpu", model], name: name, timeout: TimeSpan.FromSeconds(30)));
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
