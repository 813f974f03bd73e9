using System.Diagnostics;
using Xsave.Cli.Tests.Support;
using Xsave.TestSupport;

namespace Xsave.Cli.Tests.Protocol;

/// <summary>
/// What the gate makes of a process implementation that cannot be started or misbehaves: a bad command is a one-line
/// error (exit 2); a child dying mid-run is a harness error ("error") naming its exit status and stderr, and the next
/// property gets a fresh child; a hanging child cannot hold the run.
/// </summary>
public class ProcessCheckTests
{
    private static string Child(string mode) => ("process:python3 " + Python.Script("tests", "Adapters.Tests", "children", "misbehave.py") + " " + mode).TrimEnd();

    [Theory]
    [InlineData("process:/nonexistent/xsave-server", "cannot start '/nonexistent/xsave-server'")]
    [InlineData("process:server 'unclosed", "unterminated single quote at character 8")]
    [InlineData("process:", "the command is empty")]
    public void BadCommand_IsOneErrorLine_Exit2(string impl, string message)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", impl, "--regressions", dir.Path);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line);
    }

    [Fact]
    public void ZeroTimeout_IsOneErrorLine_Exit2()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", "process:server", "--impl-timeout", "0", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("the timeout must be more than 0 seconds", Assert.Single(run.ErrorLines));
    }

    [SkippableFact]
    public void ChildDyingMidRun_IsAHarnessErrorWithItsStatus_AndTheNextPropertyRunsOnAFreshChild()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var dir = new TempDirectory();
        // The mode travels as --impl-arg: appended to the command as one more word.
        var run = CliRun.Of("check", "--impl", Child(""), "--impl-arg", "crash-on-check-xss", "--property", "registers.*", "--max-tests", "20", "--json", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var properties = GateFiles.Properties(run.Json());
        var xss = properties["registers.xss.differential"];
        Assert.Equal("error", xss.GetProperty("result").GetString());
        Assert.Contains("exit status 4", xss.GetProperty("reason").GetString());
        Assert.Contains("panic: no XSS support", xss.GetProperty("reason").GetString());
        Assert.Equal("passed", properties["registers.xfd.differential"].GetProperty("result").GetString());
        Assert.Equal("passed", properties["registers.xcr0.accepted-values-are-coherent"].GetProperty("result").GetString());
    }

    [SkippableFact]
    public void HangingChild_CannotHoldTheRun_EveryPropertyIsAnError()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var dir = new TempDirectory();
        var clock = Stopwatch.StartNew();
        var run = CliRun.Of("check", "--impl", Child("hang"), "--impl-timeout", "0.5", "--property", "layout.*", "--max-tests", "5", "--json", "--regressions", dir.Path);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var properties = GateFiles.Properties(run.Json());
        Assert.All(properties.Values, p => Assert.Equal("error", p.GetProperty("result").GetString()));
        Assert.Contains("no answer within 0.5 s", properties["layout.standard.differential"].GetProperty("reason").GetString());
    }
}
