using Xsave.Cli.Kernel;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>
/// A shell script standing in for the native helper: it runs the real one for some groups and misbehaves for others
/// (crashes, hangs, lies), so the runner's handling of a hostile machine can be tested.
/// </summary>
public sealed class FakeProbe : IDisposable
{
    private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kernel-probe-test-" + Guid.NewGuid().ToString("N"));

    public string Path { get; }

    public static string RealProbe => System.IO.Path.Combine(AppContext.BaseDirectory, ProbeRunner.ExecutableName);

    /// <param name="cases">shell 'case' arms by group, e.g. ("ptrace", "kill -SEGV $$"); other groups run the real probe.</param>
    public FakeProbe(params (string Group, string Body)[] cases)
    {
        Directory.CreateDirectory(_dir);
        Path = System.IO.Path.Combine(_dir, "kernel-probe");
        var arms = string.Concat(cases.Select(c => $"  {c.Group}) {c.Body} ;;\n"));
        File.WriteAllText(Path, $"#!/bin/sh\ncase \"$1\" in\n{arms}  *) exec '{RealProbe}' \"$1\" ;;\nesac\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public ProbeRunner Runner(TimeSpan? timeout = null) => new(Path, null, timeout ?? TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
