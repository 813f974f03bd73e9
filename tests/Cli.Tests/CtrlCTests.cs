using System.Diagnostics;
using Xsave.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Xsave.Cli.Tests;

/// <summary>
/// Ctrl-C on a real process: SIGINT during 'check' stops it after the current round; the table of what ran is still
/// printed, the exit code is 130, and no file (whole or partial) is left in the regression corpus.
/// </summary>
public class CtrlCTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void SigInt_DuringCheck_Exit130_TablePrinted_NoFilesLeft()
    {
        Skip.If(OperatingSystem.IsWindows(), "sending SIGINT needs a Unix 'kill'");
        using var dir = new TempDirectory();
        var runner = Path.Combine(AppContext.BaseDirectory, "xsave-conformance.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { runner, "check", "--time", "60", "--regressions", dir.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var lines = new List<string>();
            string? line;
            // Wait for the first finished property: the run is under way.
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                lines.Add(line);
                if (line.StartsWith("[ 1/", StringComparison.Ordinal) || line.StartsWith("[1/", StringComparison.Ordinal)) break;
            }
            Assert.NotNull(line);
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit();

            var rest = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the run did not stop after SIGINT");
            output.WriteLine(string.Join("\n", lines) + "\n" + rest);
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("Gate INTERRUPTED", rest);
            Assert.Contains("cancelled", rest);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
