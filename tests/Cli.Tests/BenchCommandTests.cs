using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'bench': the output contract of issue 4 ({"operations": [{"name", "oracle_ops_per_s", "optimized_ops_per_s",
/// "ratio"}]}), every operation present, and bad options as usage errors. No timing assertions: speed goals belong to
/// the benchmarks (BENCHMARKS.md), and numbers here are only checked for being positive and consistent.
/// </summary>
public class BenchCommandTests
{
    // The issue's operations: compacted and standard size, full layout (both formats), XCR0 validity (accepting and
    // refusing path), uABI header validation, KVM_SET_XSAVE of a 4 KiB image, ARCH_REQ_XCOMP_PERM (repeated and first).
    private static readonly string[] Operations =
    [
        "standard-size", "compacted-size", "standard-layout", "compacted-layout", "xcr0-validity", "xcr0-validity-rejected",
        "uabi-header-validation", "kvm-set-xsave", "arch-req-xcomp-perm", "arch-req-xcomp-perm-first",
    ];

    // The architecture operations: both implementations declare Layout and RegisterValidity, so both must measure them.
    private static readonly string[] Architecture =
        ["standard-size", "compacted-size", "standard-layout", "compacted-layout", "xcr0-validity", "xcr0-validity-rejected"];

    private static readonly Lazy<CliRun> JsonRun = new(() => CliRun.Of("bench", "--json", "--seconds", "0.02"));

    [Fact]
    public void Bench_Json_IsExactlyTheIssueObject_WithEveryOperation()
    {
        var run = JsonRun.Value;
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var json = run.Json();
        Assert.Equal(["baseline", "operations"], Keys(json));
        var baseline = json.GetProperty("baseline");
        Assert.Equal(["name", "ops_per_s"], Keys(baseline));
        Assert.Equal("bare-lookup", baseline.GetProperty("name").GetString());
        Assert.True(baseline.GetProperty("ops_per_s").GetDouble() > 0);
        var entries = json.GetProperty("operations").EnumerateArray().ToList();
        Assert.Equal(Operations, entries.Select(e => e.GetProperty("name").GetString()));
        foreach (var e in entries)
        {
            Assert.Equal(["name", "oracle_ops_per_s", "optimized_ops_per_s", "ratio", "optimized_bytes_per_op"], Keys(e));
            Assert.Equal(JsonValueKind.String, e.GetProperty("name").ValueKind);
            foreach (var key in new[] { "oracle_ops_per_s", "optimized_ops_per_s", "ratio", "optimized_bytes_per_op" })
                Assert.Contains(e.GetProperty(key).ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
        }
    }

    [Fact]
    public void Bench_Json_OracleMeasuresEveryOperation_BecauseItDeclaresTheWholeContract()
    {
        foreach (var e in JsonRun.Value.Json().GetProperty("operations").EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Number, e.GetProperty("oracle_ops_per_s").ValueKind);
            Assert.True(e.GetProperty("oracle_ops_per_s").GetDouble() > 0, e.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void Bench_Json_OptimizedMeasuresTheArchitectureOperations()
    {
        var byName = JsonRun.Value.Json().GetProperty("operations").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!);
        foreach (var name in Architecture)
        {
            Assert.Equal(JsonValueKind.Number, byName[name].GetProperty("optimized_ops_per_s").ValueKind);
            Assert.True(byName[name].GetProperty("optimized_ops_per_s").GetDouble() > 0, name);
        }
    }

    [Fact]
    public void Bench_Json_RatioIsOptimizedOverOracle_OrNullWhenEitherIsMissing()
    {
        foreach (var e in JsonRun.Value.Json().GetProperty("operations").EnumerateArray())
        {
            var oracle = e.GetProperty("oracle_ops_per_s");
            var optimized = e.GetProperty("optimized_ops_per_s");
            var ratio = e.GetProperty("ratio");
            if (oracle.ValueKind == JsonValueKind.Null || optimized.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(JsonValueKind.Null, ratio.ValueKind);
                continue;
            }
            Assert.True(optimized.GetDouble() > 0);
            double expected = optimized.GetDouble() / oracle.GetDouble();
            // Ops/s are printed whole and the ratio with three decimals.
            Assert.InRange(ratio.GetDouble(), expected * 0.99 - 0.001, expected * 1.01 + 0.001);
        }
    }

    [Fact]
    public void Bench_Table_NamesEveryOperation_TheBaseline_AndWhyACellIsEmpty()
    {
        var run = CliRun.Of("bench", "--seconds", "0.02");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var name in Operations.Append("bare-lookup")) Assert.Contains(name, run.Stdout);
        Assert.Contains("optimized/oracle", run.Stdout);
        // Every "n/a" measurement cell is explained by a line "<operation>, <implementation>: <reason>".
        var rows = run.Stdout.Split('\n').Where(l => l.Contains('│') && Operations.Any(o => l.Contains($" {o} "))).ToList();
        foreach (var row in rows.Where(r => r.Contains("n/a")))
        {
            var name = row.Split('│', StringSplitOptions.TrimEntries)[1];
            Assert.Contains(run.Stdout.Split('\n'), l => l.StartsWith(name + ", ", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("61")]
    public void Bench_BadSeconds_IsAUsageError(string seconds)
    {
        var run = CliRun.Of("bench", "--json", "--seconds", seconds);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("error:", run.ErrorLines[0]);
    }

    [Fact]
    public void Bench_UnknownCpu_IsAnInputError_WithoutStackTrace()
    {
        var run = CliRun.Of("bench", "--json", "--cpu", "no-such-cpu", "--cpus", RawCorpus.CpusDirectory);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.ErrorLines);
        Assert.Contains("no-such-cpu", run.Stderr);
    }

    private static List<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToList();
}
