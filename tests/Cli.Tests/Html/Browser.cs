using System.Diagnostics;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// Headless Chromium (Debian package "chromium"), run with a timeout and always killed: the DOM it builds from a page
/// (--dump-dom) and a screenshot (--screenshot).
/// </summary>
public static class Browser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The chromium binary on PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium")).FirstOrDefault(File.Exists);

    public static string DumpDom(string chromium, string page, string profile) =>
        Run(chromium, profile, "--dump-dom", new Uri(page).AbsoluteUri).Stdout;

    public static void Screenshot(string chromium, string page, string png, string profile)
    {
        var run = Run(chromium, profile, $"--screenshot={png}", "--window-size=1400,2000", "--hide-scrollbars", new Uri(page).AbsoluteUri);
        Assert.True(File.Exists(png), $"no screenshot; chromium exit {run.ExitCode}: {run.Stderr}");
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string chromium, string profile, params string[] args)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A profile of its own: parallel tests and a user's browser do not share state.
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={profile}", .. args])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(Timeout), $"chromium did not finish within {Timeout.TotalSeconds} s");
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
