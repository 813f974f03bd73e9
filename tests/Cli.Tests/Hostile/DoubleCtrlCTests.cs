using System.Diagnostics;
using Xsave.Cli.Commands;
using Xsave.Cli.Tests.Support;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Properties.Comparison;
using Xunit.Abstractions;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 item 14: two SIGINTs (as 'timeout -s INT' sends to a process group) must not hide a failure already found
/// and saved: exit 1 and the saved files listed, not 130 with nothing.
/// </summary>
public class DoubleCtrlCTests(ITestOutputHelper output)
{
    [Fact]
    public void SecondInterrupt_AfterAFailure_Exits1_AndListsTheSavedFile()
    {
        var error = new StringWriter();
        int? exit = null;
        using var ctrlC = new CtrlC(error, code => exit = code, listen: false);
        var progress = ctrlC.Watch(NoProgress.Instance);
        var saved = new SaveOutcome(SaveStatus.Written, "/tmp/regressions/layout.sizes.differential-0123456789.json");
        progress.PropertyFinished(new PropertyReport("layout.sizes.differential", [], Verdict.Diverge, 3, TimeSpan.Zero, Regression: saved), 1, 2);

        ctrlC.Interrupt();
        Assert.Null(exit);
        Assert.True(ctrlC.Token.IsCancellationRequested);
        ctrlC.Interrupt();

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains("layout.sizes.differential-0123456789.json", error.ToString());
    }

    [Fact]
    public void SecondInterrupt_NamesAFileSavedBeforeItsPropertyReported_AndStopsLaterSaves()
    {
        // The race the real-run test below once lost: a second property's file was written, then the process was
        // stopped before that property reported; the list named only the first. The store is closed under its lock.
        using var dir = new TempDirectory();
        var store = new RegressionStore(dir.Path);
        var error = new StringWriter();
        int? exit = null;
        using var ctrlC = new CtrlC(error, code => exit = code, listen: false);
        ctrlC.Guard(store);
        var written = store.Save(new RegressionRecord { Property = "layout.sizes.differential", Input = new System.Text.Json.Nodes.JsonObject { ["mask"] = "0x3" } });
        Assert.Equal(SaveStatus.Written, written.Status);

        ctrlC.Interrupt();
        ctrlC.Interrupt();

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains(Path.GetFileName(written.Path), error.ToString());
        var late = store.Save(new RegressionRecord { Property = "layout.sizes.differential", Input = new System.Text.Json.Nodes.JsonObject { ["mask"] = "0x7" } });
        Assert.Equal(SaveStatus.Cancelled, late.Status);
        Assert.False(File.Exists(late.Path));
    }

    [Fact]
    public void SecondInterrupt_WithNothingFailed_Exits130()
    {
        int? exit = null;
        using var ctrlC = new CtrlC(new StringWriter(), code => exit = code, listen: false);
        ctrlC.Interrupt();
        ctrlC.Interrupt();
        Assert.Equal(CheckCommand.Interrupted, exit);
    }

    [SkippableFact]
    public void TwoSigInts_OnARealRun_AfterAFailure_Exit1()
    {
        Skip.If(OperatingSystem.IsWindows(), "sending SIGINT needs a Unix 'kill'");
        using var dir = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "xsave-conformance.dll"), "check", "--impl", GateFiles.H13,
                "--property", "layout.*", "--time", "60", "--regressions", dir.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.Contains("] failed", StringComparison.Ordinal)) { }
            Assert.NotNull(line);
            for (int i = 0; i < 2; i++)
                using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit();
            var rest = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop");
            output.WriteLine(rest.Result + errors.Result);
            Assert.Equal(ExitCodes.CheckFailed, process.ExitCode);
            var files = Directory.GetFiles(dir.Path, "*.json");
            Assert.NotEmpty(files);
            foreach (var file in files) Assert.Contains(Path.GetFileName(file), rest.Result + errors.Result);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
