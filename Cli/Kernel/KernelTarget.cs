using Xsave.Adapters.Kernel;
using Xsave.Cli.Composition;

namespace Xsave.Cli.Kernel;

/// <summary>
/// What 'kernel --impl' names: this machine ("kernel", the default) or "qemu-user:MODEL", the same probe under
/// qemu-x86_64 -cpu MODEL (found as 'check --impl qemu-user:MODEL' finds it: XSAVE_QEMU, else PATH). Without the
/// emulator every group is skipped with the reason; a malformed name is an input error.
/// </summary>
public static class KernelTarget
{
    /// <summary>The probe runner for <paramref name="impl"/>, or null with the input error.</summary>
    public static ProbeRunner? Runner(string? impl, TimeSpan? timeout, out string? error, Func<string, string?>? environment = null)
    {
        error = null;
        if (impl is null or KernelImplementation.ImplementationName) return ProbeRunner.Locate(timeout);
        if (!impl.StartsWith(KernelImplementations.QemuScheme, StringComparison.Ordinal))
        {
            error = $"'{impl}' is not kernel or {KernelImplementations.QemuScheme}MODEL: the kernel verb checks this machine, or the CPU-level groups under user-mode QEMU";
            return null;
        }
        if (QemuUser.NameProblem(impl) is { } bad) { error = bad; return null; }
        var qemu = QemuUser.Locate(impl, out var missing, out error, environment);
        if (error is not null) return null;
        string[] wrapper = [qemu ?? KernelImplementations.QemuProgram, "-cpu", QemuUser.Model(impl)];
        var emulator = $"{impl}: {string.Join(" ", wrapper)}" + (qemu is not null && KernelImplementations.VersionLine(qemu) is { } v ? $" ({v})" : "");
        var probe = ProbeRunner.Locate(timeout);
        return qemu is null
            ? new ProbeRunner(null, $"{impl}: {missing}", timeout ?? ProbeRunner.DefaultTimeout) { Wrapper = wrapper, Emulator = emulator }
            : probe.WithWrapper(wrapper, emulator);
    }
}
