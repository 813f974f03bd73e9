using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 items 8, 9, 13 and 15: option values that used to run everything, write to the default folder, exit 0 on
/// nothing, crash (exit 3) or print .NET type names are one-line input errors (exit 2).
/// </summary>
public class OptionTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        // Item 8: an empty selection or directory is not "everything" or "the default".
        { "check --regressions {dir} --property", "--property" },
        { "check --regressions {dir} --property ,,,", "--property" },
        { "check --regressions", "--regressions" },
        { "replay --regressions {dir}/nonexistent", "regression directory does not exist" },
        { "cpus --cpus {dir}", "no CPU profile" },
        { "policies --cpus {dir}", "no CPU profile" },
        // Item 9: absurd or not-a-number budgets.
        { "check --regressions {dir} --time 3000000", "more than a week" },
        { "check --regressions {dir} --time 1e9", "more than a week" },
        { "check --regressions {dir} --time NaN", "--time 'NaN' is not a number of seconds" },
        { "check --regressions {dir} --time -Infinity", "is not a number of seconds" },
        // Item 13: no .NET type names.
        { "check --regressions {dir} --max-tests abc", "--max-tests" },
        { "check --regressions {dir} --seed -1", "--seed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadOptionValue_OneLine_Exit2(string command, string expected)
    {
        using var dir = new TempDirectory();
        var args = command.Replace("{dir}", dir.Path).Split(' ').ToList();
        // "--property" at the end stands for an empty value, "check --regressions" for an empty directory.
        if (args[^1] is "--property" or "--regressions") args.Add("");
        var run = CliRun.Of([.. args]);
        Assert.True(run.ExitCode == ExitCodes.InputError, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains(run.ErrorLines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain("System.", run.Stderr);
        Assert.DoesNotContain("internal error", run.Stderr);
    }

    public static TheoryData<string> VerbsOnceWithCorpus() => new()
    {
        "cpus", "layout --cpu intel-sapphirerapids-806f8", "boot --cpu intel-sapphirerapids-806f8", "policies", "self-check",
        "bench --cpu intel-sapphirerapids-806f8", "check", "replay", "scenario",
    };

    /// <summary>Item 15: --corpus had two meanings; it is refused everywhere, naming both replacements.</summary>
    [Theory]
    [MemberData(nameof(VerbsOnceWithCorpus))]
    public void Item15_RetiredCorpusOption_NamesBothReplacements(string verb)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of([.. verb.Split(' '), "--corpus", dir.Path]);
        OneLine.AssertInputError(run, "--corpus", "--cpus DIR", "--regressions DIR");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Item15_CpusOption_IsAcceptedByEveryCorpusVerb()
    {
        foreach (var verb in new[] { "cpus", "policies", "self-check" })
            Assert.Equal(ExitCodes.Ok, CliRun.Of(verb, "--json", "--cpus", RawCorpus.CpusDirectory).ExitCode);
    }

    /// <summary>Found by fuzz.cli.options: .NET's path functions threw on these (exit 3).</summary>
    [Theory]
    [InlineData("replay", "\0", "NUL")]
    [InlineData("replay", "", "argument 2, the value after replay, is empty")]
    [InlineData("explain", " ", "is empty")]
    [InlineData("scenario", "a\0b", "NUL")]
    public void FoundByFuzz_NulOrEmptyArgument_IsAnInputError(string verb, string argument, string expected)
    {
        OneLine.AssertInputError(CliRun.Of(verb, argument), expected);
    }
}
