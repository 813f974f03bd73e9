using System.Text.Json;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'bench --laws N': issue 16's throughput figure — every law of the gate's catalogue in the gate's loop, next to
/// FsCheck's runner on a trivial property, grouped in the issue's families with their targets. No timing assertions
/// (speed goals live in BENCHMARKS.md): the shape, the families, and that "met" says what the ratio and target say.
/// </summary>
public class BenchLawsCommandTests
{
    private static readonly Lazy<CliRun> Run = new(() => CliRun.Of("bench", "--laws", "100", "--seconds", "0.01", "--json"));

    [Fact]
    public void BenchLaws_Json_HasTheBaseline_TheFamiliesWithTheirTargets_AndEveryLaw()
    {
        var run = Run.Value;
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var json = run.Json();
        Assert.Equal(["implementation", "baseline", "families", "laws"], Keys(json));
        Assert.Equal("fscheck-trivial-two-ulongs", json.GetProperty("baseline").GetProperty("name").GetString());
        Assert.True(json.GetProperty("baseline").GetProperty("cases_per_s").GetDouble() > 0);

        var families = json.GetProperty("families").EnumerateArray().ToDictionary(f => f.GetProperty("family").GetString()!);
        Assert.Equal(["architecture", "instructions", "kernel", "other"], families.Keys.Order());
        // The issue's targets: the architecture laws as fast as FsCheck on a trivial property, the kernel sequence
        // laws 0.12 of it; it sets none for the instruction laws and the tool's own fuzzers.
        Assert.Equal(1.0, families["architecture"].GetProperty("target").GetDouble());
        Assert.Equal(0.12, families["kernel"].GetProperty("target").GetDouble());
        foreach (var name in new[] { "instructions", "other" })
        {
            Assert.Equal(JsonValueKind.Null, families[name].GetProperty("target").ValueKind);
            Assert.Equal(JsonValueKind.Null, families[name].GetProperty("met").ValueKind);
        }
        foreach (var name in new[] { "architecture", "kernel" })
        {
            var f = families[name];
            Assert.Equal(f.GetProperty("ratio").GetDouble() >= f.GetProperty("target").GetDouble(), f.GetProperty("met").GetBoolean());
        }

        // Every law of the catalogue is measured once (none is skipped or failing against the optimized implementation).
        var laws = json.GetProperty("laws").EnumerateArray().ToList();
        Assert.Equal(FuzzCatalog.All.Select(p => p.Name).Order(), laws.Select(l => l.GetProperty("name").GetString()!).Order());
        foreach (var l in laws)
        {
            Assert.Equal(["name", "family", "cases", "cases_per_s", "baseline_cases_per_s", "ratio"], Keys(l));
            Assert.True(l.GetProperty("cases").GetInt32() >= 100, l.GetProperty("name").GetString()); // at least N cases
            Assert.True(l.GetProperty("cases_per_s").GetDouble() > 0, l.GetProperty("name").GetString());
            // The baseline measured in rounds alternating with the law's, and the ratio over it.
            double baseline = l.GetProperty("baseline_cases_per_s").GetDouble();
            Assert.True(baseline > 0, l.GetProperty("name").GetString());
            Assert.Equal(l.GetProperty("cases_per_s").GetDouble() / baseline, l.GetProperty("ratio").GetDouble(), 0.002 + 0.01 * l.GetProperty("ratio").GetDouble());
        }
    }

    [Theory]
    [InlineData("layout.compacted.differential", "architecture")]
    [InlineData("registers.xcr0.differential", "architecture")]
    [InlineData("instructions.xsave-family.differential", "instructions")]
    [InlineData("kernel.kvm.differential", "kernel")]
    [InlineData("kernel.boot.differential", "kernel")]
    public void BenchLaws_PutsEachLawInTheIssuesFamily(string law, string family)
    {
        var entry = Run.Value.Json().GetProperty("laws").EnumerateArray().Single(l => l.GetProperty("name").GetString() == law);
        Assert.Equal(family, entry.GetProperty("family").GetString());
    }

    [Theory]
    [InlineData("99")]
    [InlineData("1000001")]
    public void BenchLaws_OutOfRange_IsAnInputError_NamingTheOption(string cases)
    {
        var run = CliRun.Of("bench", "--laws", cases, "--json");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("--laws", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    private static List<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToList();
}
