using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Starts the native helper (native/kernel-probe, built next to the runner) as a child process per group, feeds it the
/// group's inputs on stdin and collects its JSON lines. A crash, a hang (killed with its process tree after the
/// timeout) or garbage output is a <see cref="ProbeRun.Failure"/>, never an exception: the runner must survive the
/// machine it probes. The child is always reaped.
/// </summary>
public sealed class ProbeRunner(string? path, string? unavailable, TimeSpan timeout)
{
    public const string ExecutableName = "kernel-probe";

    /// <summary>Written by the build instead of the helper when it could not be compiled; holds the reason.</summary>
    public const string UnavailableFileName = "kernel-probe.unavailable";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Why the helper cannot run here, or null when it can.</summary>
    public string? Unavailable { get; } = path is null ? unavailable ?? "native helper not built" : null;

    /// <summary>An emulator command the probe runs under (e.g. qemu-x86_64 -cpu max), empty for the live machine.</summary>
    public IReadOnlyList<string> Wrapper { get; init; } = [];

    /// <summary>For reports: the emulator and its version when <see cref="Wrapper"/> is set.</summary>
    public string? Emulator { get; init; }

    /// <summary>The probe runs under an emulator: only the CPU-level groups describe the emulated CPU.</summary>
    public bool Emulated => Wrapper.Count > 0;

    /// <summary>The helper beside the runner's assembly, or the build's reason why there is none.</summary>
    public static ProbeRunner Locate(TimeSpan? timeout = null)
    {
        var dir = AppContext.BaseDirectory;
        var exe = Path.Combine(dir, ExecutableName);
        if (!OperatingSystem.IsLinux())
            return new(null, "native helper not built: the kernel checks need Linux", timeout ?? DefaultTimeout);
        if (File.Exists(exe)) return new(exe, null, timeout ?? DefaultTimeout);
        var reasonFile = Path.Combine(dir, UnavailableFileName);
        var reason = File.Exists(reasonFile) ? File.ReadAllText(reasonFile).Trim() : $"{ExecutableName} is not in {dir}";
        return new(null, $"native helper not built: {reason}", timeout ?? DefaultTimeout);
    }

    /// <summary>The same probe run under <paramref name="wrapper"/> (an emulator command).</summary>
    public ProbeRunner WithWrapper(IReadOnlyList<string> wrapper, string emulator) =>
        new(path, Unavailable, timeout) { Wrapper = wrapper, Emulator = emulator };

    public ProbeRun Run(string group, IEnumerable<string>? input = null)
    {
        if (path is null) return new(group, [], Unavailable);
        var start = new ProcessStartInfo(Emulated ? Wrapper[0] : path, Emulated ? [.. Wrapper.Skip(1), path, group] : [group])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new(group, [], $"could not start {start.FileName}: {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                foreach (var line in input ?? []) process.StandardInput.WriteLine(line);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child died before reading everything: its exit status below says why.
            }
            string? failure = null;
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                failure = $"group '{group}' hung: killed after {timeout.TotalSeconds:0} s";
            }
            else
            {
                process.WaitForExit(); // drains the redirected streams
                if (process.ExitCode > 128) failure = $"group '{group}' crashed: killed by signal {process.ExitCode - 128}";
                else if (process.ExitCode != 0)
                    failure = $"group '{group}' failed: exit code {process.ExitCode}{Tail(stderr.Result)}";
            }
            // A grandchild that outlived the group could hold stdout open: do not wait for it forever.
            if (!stdout.Wait(timeout))
                return new(group, [], failure ?? $"group '{group}' left a process holding its output open after {timeout.TotalSeconds:0} s");
            var (lines, garbage) = Parse(stdout.Result);
            failure ??= garbage;
            return new(group, lines, failure);
        }
    }

    private static string Tail(string stderr) =>
        string.IsNullOrWhiteSpace(stderr) ? "" : ": " + stderr.Trim().Split('\n')[^1];

    private static (List<ProbeLine>, string?) Parse(string text)
    {
        var lines = new List<ProbeLine>();
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var doc = JsonDocument.Parse(raw);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return (lines, $"unparseable probe output: {Short(raw)}");
                lines.Add(new ProbeLine(doc.RootElement.Clone()));
            }
            catch (JsonException)
            {
                return (lines, $"unparseable probe output: {Short(raw)}");
            }
        }
        return (lines, null);
    }

    private static string Short(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
