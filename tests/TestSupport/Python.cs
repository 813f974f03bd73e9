using System.Diagnostics;

namespace Xsave.TestSupport;

/// <summary>Whether python3 can be run here: the Python tests are reported skips, with this reason, where it cannot.</summary>
public static class Python
{
    public const string Missing = "python3 is not installed (or not on PATH)";

    public static bool Available { get; } = Probe();

    /// <summary>A script of the repository, as a quoted word for a process: command line.</summary>
    public static string Script(params string[] repositoryPath) => $"'{Path.Combine([Corpus.RepositoryRoot, .. repositoryPath])}'";

    private static bool Probe()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            return p is not null && p.WaitForExit(10_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
