using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Mutation;

/// <summary>The mutants verb: its JSON shape (issue 16), its refusals, and that a caught mutant is reported as caught.</summary>
public class MutantsCommandTests
{
    [Fact]
    public void Json_lists_each_mutant_with_seeds_caught_in_property_and_medians()
    {
        var run = CliRun.Of("mutants", "--seeds", "2", "--mutant", "h13-unaligned-compacted,mutant:xcr0-avx-without-sse", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var mutants = run.Json().GetProperty("mutants").EnumerateArray().ToList();
        Assert.Equal(["mutant:h13-unaligned-compacted", "mutant:xcr0-avx-without-sse"], mutants.Select(m => m.GetProperty("id").GetString()));
        foreach (var m in mutants)
        {
            Assert.True(m.GetProperty("caught").GetBoolean());
            Assert.Equal(2, m.GetProperty("seeds").GetInt32());
            Assert.Equal(2, m.GetProperty("caught_in").GetInt32());
            // The laws where these bugs live: R15's sizes and layouts, R8's XCR0 checks.
            var family = m.GetProperty("id").GetString() == "mutant:h13-unaligned-compacted" ? "layout." : "registers.xcr0.";
            Assert.StartsWith(family, m.GetProperty("property").GetString(), StringComparison.Ordinal);
            Assert.True(m.GetProperty("cases").GetDouble() > 0);
            Assert.True(m.GetProperty("seconds").GetDouble() >= 0);
            Assert.True(m.GetProperty("shrunk_size").GetDouble() >= 1);
            Assert.False(string.IsNullOrWhiteSpace(m.GetProperty("source").GetString()));
        }
    }

    [Theory]
    [InlineData("--seeds", "0", "--seeds 0 must be at least 1")]
    [InlineData("--mutant", "no-such-bug", "--mutant mutant:no-such-bug: no such mutant")]
    [InlineData("--parallel", "0", "--parallel 0 must be at least 1")]
    public void Bad_input_is_refused_with_exit_2_and_a_message(string option, string value, string message)
    {
        var run = CliRun.Of("mutants", option, value, "--json");

        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void The_human_table_names_the_mutant_and_the_catching_property()
    {
        var run = CliRun.Of("mutants", "--seeds", "1", "--mutant", "compacted-size-is-standard");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("mutant:compacted-size-is-standard", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1/1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 1 mutants caught", run.Stdout, StringComparison.Ordinal);
    }
}
