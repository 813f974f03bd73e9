using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// One fuzz case's run of the runner, in-process, in a fresh temp directory, and the law every input layer obeys:
/// the run ends within <see cref="Bound"/> with exit 0, 1 or 2; every stderr line is one message ("error:",
/// "warning:"...) without a stack trace; a refusal (exit 2) names the input; and no file appears in the sandbox other
/// than the outputs the command line names.
/// </summary>
public sealed class Sandbox : IDisposable
{
    /// <summary>Generous for 2 shared cores: a case takes milliseconds; a hang is what this catches.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public string Path { get; } = Directory.CreateTempSubdirectory("xsave-fuzz-").FullName;

    public string File(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        // Lone surrogates and the like become U+FFFD, as any editor would save them.
        System.IO.File.WriteAllBytes(path, new System.Text.UTF8Encoding(false, false).GetBytes(text));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a leftover temp dir is harmless */ }
    }

    /// <summary>Runs the runner and checks the law. <paramref name="names"/>: strings a refusal must mention one of;
    /// <paramref name="outputs"/>: paths the command line names as outputs (files or directories).</summary>
    public Property Run(IReadOnlyList<string> args, IReadOnlyList<string> names, IReadOnlyList<string> outputs)
    {
        var before = Entries();
        var workingBefore = Working();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, OutIsTerminal: false, _ => null);
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            FuzzCatalog.EnterCase();
            return Runner.Run([.. args], context);
        });
        if (!run.Wait(Bound)) return false.Label($"did not end within {Bound.TotalSeconds} s");
        int exit = run.Result;
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var stray = Entries().Except(before).Where(e => !outputs.Any(o => e == o || e.StartsWith(o + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Where(e => !Gate.Regressions.AtomicFile.IsTemporary(e)).Concat(Working().Except(workingBefore)).ToList();
        var errors = lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        return (exit is 0 or 1 or 2).Label($"exit {exit} (0, 1 or 2 expected); stderr: {FuzzText.Preview(stderr.ToString())}")
            .And(lines.All(Message).Label($"a stderr line is not one message: {FuzzText.Preview(lines.FirstOrDefault(l => !Message(l)) ?? "")}"))
            .And((!stderr.ToString().Contains("   at ", StringComparison.Ordinal)).Label("stack trace on stderr"))
            .And((exit != 2 || errors.Any(e => names.Any(n => e.Contains(n, StringComparison.Ordinal))))
                .Label($"exit 2 without an error naming the input ({string.Join(", ", names.Take(4))}): {FuzzText.Preview(string.Join(" | ", errors))}"))
            .And((stray.Count == 0).Label($"wrote outside the named outputs: {string.Join(", ", stray)}"))
            .Classify(exit == 0, "exit 0").Classify(exit == 1, "exit 1").Classify(exit == 2, "exit 2")
            .Classify(clock.Elapsed > TimeSpan.FromSeconds(2), "slow (> 2 s)");
    }

    /// <summary>One message per line; the runner's own lines start with a level word, System.CommandLine's hint too.</summary>
    private static bool Message(string line) =>
        line.StartsWith("error: ", StringComparison.Ordinal) || line.StartsWith("warning: ", StringComparison.Ordinal) ||
        line.StartsWith("note: ", StringComparison.Ordinal) || line.StartsWith("interrupted", StringComparison.Ordinal) ||
        line.StartsWith("failed: ", StringComparison.Ordinal) || line == "Run with --help for usage.";

    /// <summary>The working directory's own entries (a relative path in a command line would write there) and the
    /// default regression corpus (a check without --regressions would).</summary>
    private static HashSet<string> Working()
    {
        var defaults = Commands.GateOptions.RegressionDirectory(null);
        return Directory.EnumerateFileSystemEntries(Directory.GetCurrentDirectory())
            .Concat(Directory.Exists(defaults) ? Directory.EnumerateFileSystemEntries(defaults) : [])
            .ToHashSet(StringComparer.Ordinal);
    }

    private HashSet<string> Entries() =>
        Directory.EnumerateFileSystemEntries(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToHashSet(StringComparer.Ordinal);
}
