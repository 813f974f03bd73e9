using System.CommandLine;
using Xsave.Cli.Profiles;
using Xsave.Cli.Composition;

namespace Xsave.Cli.Commands;

/// <summary>Options the gate verbs (check, replay, explain) share, and where their directories default to.</summary>
public static class GateOptions
{
    public static ImplementationRegistry Registry => ImplementationRegistry.Default;

    public static Option<string?> Implementation() => new("--impl")
    {
        Description = $"Implementation under test (default: {ImplementationRegistry.DefaultName}); the reference is always the oracle. " +
                      $"Known: {string.Join(", ", Registry.Names)}.",
        HelpName = "NAME",
    };

    public const string RegressionsName = "--regressions";

    public static Option<string?> Regressions() => CommonOptions.Directory(RegressionsName,
        "Directory of regression files (default: <repo>/corpus/regressions).");

    public static Option<string?> Cpus() => CommonOptions.Cpus();

    public static string RegressionDirectory(string? option) =>
        !string.IsNullOrWhiteSpace(option)
            ? Path.GetFullPath(option)
            : Path.Combine(CorpusLocator.RepositoryRoot() ?? Directory.GetCurrentDirectory(), "corpus", "regressions");

    public static string CpusDirectory(string? option, CliContext context) => CorpusLocator.CpusDirectory(option, context.Environment);

    /// <summary>An --impl value as a person would type it to a shell (process:COMMAND has spaces).</summary>
    public static string ShellWord(string implementation) =>
        implementation.Any(char.IsWhiteSpace) || implementation.Contains('\'') ? "'" + implementation.Replace("'", "'\\''") + "'" : implementation;

    /// <summary>
    /// A path as a person would type it to run-conformance.sh, which runs from the repository root: relative to the
    /// root when under it, else absolute.
    /// </summary>
    public static string Display(string path)
    {
        var root = CorpusLocator.RepositoryRoot();
        if (root is null) return path;
        var relative = Path.GetRelativePath(root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
