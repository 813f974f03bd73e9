using System.Text.Json;

namespace Xsave.Cli.Tests.Support;

/// <summary>One in-process run of the runner: exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// Runs the CLI with a controlled environment (none of the caller's XSAVE_* variables leak in) and stdout not a
    /// terminal.
    /// </summary>
    public static CliRun Of(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Of(new StringWriter(), environment, args);

    public static CliRun Of(params string[] args) => Of(null, args);

    public static CliRun Of(TextWriter stdout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, OutIsTerminal: false, name => environment?.GetValueOrDefault(name));
        int exit = Runner.Run(args, context);
        return new CliRun(exit, stdout.ToString() ?? "", stderr.ToString());
    }

    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>The stderr lines, without the trailing empty one.</summary>
    public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
