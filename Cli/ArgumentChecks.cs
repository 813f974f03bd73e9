using Xsave.Cli.Commands;

namespace Xsave.Cli;

/// <summary>
/// What is wrong with a command line before any verb reads it, as one line:
/// - --corpus, which meant CPU profiles on some verbs and regression files on others, was split into --cpus and
///   --regressions; it is refused on every verb rather than kept with either meaning (a script written for one meaning
///   must not silently get the other);
/// - an empty argument names nothing (and .NET's path functions throw on one): said with the option it follows;
/// - no path or value can hold a NUL character (found by fuzz.cli.options: it was exit 3).
/// </summary>
public static class ArgumentChecks
{
    public const string Corpus = "--corpus";

    public static string? Problem(IReadOnlyList<string> args)
    {
        if (args.Any(a => a == Corpus || a.StartsWith(Corpus + "=", StringComparison.Ordinal) || a.StartsWith(Corpus + ":", StringComparison.Ordinal)))
            return $"{Corpus} was split in two: use {CommonOptions.CpusName} DIR for CPU profiles or {GateOptions.RegressionsName} DIR for regression files";
        for (int i = 0; i < args.Count; i++)
        {
            var after = i == 0 ? "" : $", the value after {args[i - 1]},";
            if (args[i].Trim().Length == 0) return $"argument {i + 1}{after} is empty";
            if (args[i].Contains('\0')) return $"argument {i + 1}{after} contains a NUL character, which no path or value can hold";
        }
        return null;
    }
}
