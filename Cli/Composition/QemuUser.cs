namespace Xsave.Cli.Composition;

/// <summary>
/// How "qemu-user:MODEL" finds its emulator (issue 13), shared by 'check --impl' and 'kernel --impl': the binary named by
/// XSAVE_QEMU (an emulator author's own build), else qemu-x86_64 on PATH. A malformed name is an input error; a missing
/// emulator is a reason to skip, never an error (the checks are reported skipped with it).
/// </summary>
public static class QemuUser
{
    /// <summary>Why <paramref name="name"/> ("qemu-user:MODEL") is not usable as written, or null.</summary>
    public static string? NameProblem(string name)
    {
        var model = Model(name);
        return model.Length == 0 || model[0] == '-' || !model.All(c => char.IsLetterOrDigit(c) || "-_.,=+".Contains(c))
            ? $"'{name}': the QEMU CPU model must be a name such as max or Skylake-Server (see qemu-x86_64 -cpu help)"
            : null;
    }

    public static string Model(string name) => name[KernelImplementations.QemuScheme.Length..];

    /// <summary>The emulator's path; or null with <paramref name="missing"/> (skip) or <paramref name="error"/> (bad input).</summary>
    public static string? Locate(string name, out string? missing, out string? error, Func<string, string?>? environment = null)
    {
        missing = error = null;
        environment ??= Environment.GetEnvironmentVariable;
        var chosen = environment(KernelImplementations.QemuVariable);
        if (!string.IsNullOrEmpty(chosen))
        {
            if (File.Exists(chosen)) return Path.GetFullPath(chosen);
            error = $"'{name}': {KernelImplementations.QemuVariable}={chosen}: no such file";
            return null;
        }
        var qemu = (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, KernelImplementations.QemuProgram)).FirstOrDefault(File.Exists);
        if (qemu is null)
            missing = $"{KernelImplementations.QemuProgram} not found on PATH (apt-get install qemu-user, or set {KernelImplementations.QemuVariable})";
        return qemu;
    }
}
