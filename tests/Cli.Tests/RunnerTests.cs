using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>The runner's contract: exit codes 0/1/2/3, usage errors as one line, no stack trace unless asked.</summary>
public class RunnerTests
{
    [Fact]
    public void UnknownVerb_IsUsageError_Exit2()
    {
        var run = CliRun.Of("frobnicate");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("frobnicate", run.ErrorLines[0]);
    }

    [Fact]
    public void Help_ListsEveryVerb_Exit0()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var verb in new[] { "cpus", "layout", "self-check" }) Assert.Contains(verb, run.Stdout);
    }

    [Fact]
    public void VerbHelp_WithoutRequiredOption_IsHelpNotError_Exit0()
    {
        var run = CliRun.Of("layout", "--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("--xcr0", run.Stdout);
    }

    [Fact]
    public void UnexpectedException_IsInternalError_Exit3_OneLineWithoutStackTrace()
    {
        var run = CliRun.Of(new ThrowingWriter(), null, "cpus");
        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("internal error: IOException", line);
        Assert.DoesNotContain(" at ", run.Stderr.Replace("rerun", ""));
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData(null)]
    public void UnexpectedException_StackTraceOnlyWhenAsked(string? verbose)
    {
        var env = verbose is null ? new Dictionary<string, string> { ["XSAVE_DEBUG"] = "1" } : null;
        string[] args = verbose is null ? ["cpus"] : ["cpus", verbose];
        var run = CliRun.Of(new ThrowingWriter(), env, args);
        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        Assert.Contains(" at ", run.Stderr);
    }

    /// <summary>A stdout that fails like a closed pipe: the runner must not let the exception escape.</summary>
    private sealed class ThrowingWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("the output is closed");
        public override void Write(string? value) => throw new IOException("the output is closed");
        public override void Write(char[] buffer, int index, int count) => throw new IOException("the output is closed");
        public override void WriteLine(string? value) => throw new IOException("the output is closed");
    }
}
