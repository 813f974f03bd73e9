using Xsave.Cli.Commands;

namespace Xsave.Cli;

/// <summary>
/// Options that no longer exist, with the one line saying what replaced them. --corpus meant CPU profiles on some verbs
/// and regression files on others; it was split into --cpus and --regressions, and is refused on every verb rather
/// than kept with either meaning (a script written for one meaning must not silently get the other).
/// </summary>
public static class RetiredOptions
{
    public const string Corpus = "--corpus";

    public static string? Problem(IEnumerable<string> args) =>
        args.Any(a => a == Corpus || a.StartsWith(Corpus + "=", StringComparison.Ordinal) || a.StartsWith(Corpus + ":", StringComparison.Ordinal))
            ? $"{Corpus} was split in two: use {CommonOptions.CpusName} DIR for CPU profiles or {GateOptions.RegressionsName} DIR for regression files"
            : null;
}
