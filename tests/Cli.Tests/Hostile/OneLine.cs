using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>The rule for bad input: exit 2 and exactly one "error:" line naming the problem, no stack trace.</summary>
internal static class OneLine
{
    public static void AssertInputError(CliRun run, params string[] mentions)
    {
        Assert.True(run.ExitCode == ExitCodes.InputError, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        var line = Assert.Single(run.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        foreach (var m in mentions) Assert.Contains(m, line);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("internal error", run.Stderr);
    }
}
