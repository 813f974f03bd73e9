using System.Xml.Linq;
using Xsave.Cli.Commands;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'check', the gate: the --json contract of the issue, exit codes 0/1, one regression file per distinct failure,
/// replay of a found file, JUnit output, shards, and the main job (no verb = check with the CI time budget).
/// The mutants' bugs (SPEC H13: compacted offsets ignore ECX[1]; H10/H19: half an AMX bundle accepted) say which
/// laws must fail.
/// </summary>
public class CheckCommandTests
{
    private static readonly string[] TopKeys = ["implementation", "seed", "properties", "summary"];
    private static readonly string[] PropertyKeys = ["name", "rules", "result", "cases", "seconds", "reason", "regression_file", "branches", "expected_failure"];

    [Fact]
    public void Check_Optimized_Json_IsExactlyTheContractObject_AllPass_Exit0()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--max-tests", "20", "--json", "--regressions", dir.Path);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stdout + run.Stderr);
        var json = run.Json();
        Assert.Equal(TopKeys, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("optimized", json.GetProperty("implementation").GetString());
        Assert.Equal(1UL, json.GetProperty("seed").GetUInt64());
        var properties = json.GetProperty("properties").EnumerateArray().ToList();
        Assert.NotEmpty(properties);
        foreach (var p in properties)
        {
            Assert.Equal(PropertyKeys, p.EnumerateObject().Select(x => x.Name));
            Assert.NotEmpty(p.GetProperty("rules").EnumerateArray());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, p.GetProperty("regression_file").ValueKind);
            if (p.GetProperty("result").GetString() == "passed")
            {
                Assert.Equal(20, p.GetProperty("cases").GetInt32());
                Assert.Equal(System.Text.Json.JsonValueKind.Null, p.GetProperty("reason").ValueKind);
            }
            else
            {
                // Laws for parts of the contract the optimized implementation does not declare (yet) are skipped.
                Assert.Equal("skipped", p.GetProperty("result").GetString());
                Assert.StartsWith("optimized does not implement", p.GetProperty("reason").GetString());
            }
        }
        Assert.Contains(properties, p => p.GetProperty("result").GetString() == "passed");
        var summary = json.GetProperty("summary");
        Assert.Equal(["passed", "failed", "skipped", "expected_failures"], summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal(properties.Count(p => p.GetProperty("result").GetString() == "passed"), summary.GetProperty("passed").GetInt32());
        Assert.Equal(properties.Count(p => p.GetProperty("result").GetString() == "skipped"), summary.GetProperty("skipped").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Check_H13Mutant_Exit1_OneFilePerFailure_AndReplayOfEachFailsTheSameWay()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.*,registers.*", "--json", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var properties = GateFiles.Properties(run.Json());
        Assert.Equal("failed", properties["layout.compacted.differential"].GetProperty("result").GetString());
        Assert.Equal("failed", properties["layout.sizes.differential"].GetProperty("result").GetString());
        Assert.Equal("passed", properties["layout.standard.differential"].GetProperty("result").GetString());

        var failed = properties.Values.Where(p => p.GetProperty("result").GetString() == "failed").ToList();
        var files = failed.Select(p => p.GetProperty("regression_file").GetString()!).ToList();
        Assert.Equal(files.Order(), Directory.EnumerateFiles(dir.Path).Order());
        foreach (var p in failed)
            Assert.StartsWith(p.GetProperty("name").GetString() + "-", Path.GetFileName(p.GetProperty("regression_file").GetString()));

        foreach (var file in files)
        {
            var again = CliRun.Of("replay", file, "--impl", GateFiles.H13, "--json");
            Assert.Equal(ExitCodes.CheckFailed, again.ExitCode);
            var entry = Assert.Single(again.Json().GetProperty("files").EnumerateArray());
            Assert.Equal("failed", entry.GetProperty("result").GetString());
            if (entry.GetProperty("same_as_recorded").ValueKind != System.Text.Json.JsonValueKind.Null)
                Assert.True(entry.GetProperty("same_as_recorded").GetBoolean());

            Assert.Equal(ExitCodes.Ok, CliRun.Of("replay", file).ExitCode);
        }
    }

    [Fact]
    public void Check_SameFailureTwice_IsOneFile_ContentAndMtimeUnchanged()
    {
        using var dir = new TempDirectory();
        string[] args = ["check", "--impl", GateFiles.HalfAmx, "--property", "registers.xcr0.differential", "--json", "--regressions", dir.Path];
        var first = CliRun.Of(args);
        Assert.Equal(ExitCodes.CheckFailed, first.ExitCode);
        var file = Assert.Single(Directory.EnumerateFiles(dir.Path));
        File.SetLastWriteTimeUtc(file, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var before = GateFiles.Snapshot(dir.Path);

        var second = CliRun.Of(args);

        Assert.Equal(ExitCodes.CheckFailed, second.ExitCode);
        Assert.Equal(file, GateFiles.Properties(second.Json())["registers.xcr0.differential"].GetProperty("regression_file").GetString());
        GateFiles.AssertUnchanged(before, dir.Path);
    }

    [Fact]
    public void Check_Human_PlainTableAndVerdict_NoAnsi()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--max-tests", "10", "--property", "layout.*", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.StartsWith("check: ", run.Stdout);
        Assert.Contains("layout.sizes.differential", run.Stdout);
        Assert.Contains("│ property", run.Stdout);
        Assert.Contains("Gate PASSED", run.Stdout);
        Assert.DoesNotContain("registers.", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout);
    }

    [Fact]
    public void Check_Human_Failure_SaysWhereTheFileIsAndHowToReplayIt()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.sizes.differential", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var file = Assert.Single(Directory.EnumerateFiles(dir.Path));
        Assert.Contains("layout.sizes.differential FAILED", run.Stdout);
        Assert.Contains($"replay:   ./run-conformance.sh replay {file} --impl {GateFiles.H13}", run.Stdout);
        Assert.Contains($"explain:  ./run-conformance.sh explain {file}", run.Stdout);
        Assert.Contains("Gate FAILED", run.Stdout);
    }

    [Fact]
    public void Check_JUnit_ParsesAsXml_CountsMatchTheJson()
    {
        using var dir = new TempDirectory();
        var junit = Path.Combine(dir.Path, "results.xml");
        var run = CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.*", "--json", "--regressions", Path.Combine(dir.Path, "regressions"), "--junit", junit);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var summary = run.Json().GetProperty("summary");

        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal(summary.GetProperty("failed").GetInt32(), int.Parse(suite.Attribute("failures")!.Value));
        Assert.Equal(summary.GetProperty("skipped").GetInt32(), int.Parse(suite.Attribute("skipped")!.Value));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(run.Json().GetProperty("properties").GetArrayLength(), cases.Count);
        Assert.Equal(summary.GetProperty("failed").GetInt32(), cases.Count(c => c.Element("failure") is not null));
    }

    [Fact]
    public void Check_Shards_PartitionTheProperties()
    {
        using var dir = new TempDirectory();
        IReadOnlyList<string> Names(params string[] extra)
        {
            var run = CliRun.Of(["check", "--max-tests", "1", "--json", "--regressions", dir.Path, .. extra]);
            Assert.Equal(ExitCodes.Ok, run.ExitCode);
            return GateFiles.Properties(run.Json()).Keys.ToList();
        }
        var all = Names();
        var shards = Enumerable.Range(1, 3).Select(k => Names("--shard", $"{k}/3")).ToList();
        Assert.Equal(all.Order(), shards.SelectMany(s => s).Order());  // covering, and disjoint (no name twice)
        Assert.All(shards, s => Assert.NotEmpty(s));
    }

    [Fact]
    public void Check_SameSeed_SameCases()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        string Cases(string corpus) => string.Join(",", GateFiles.Properties(
            CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.*", "--seed", "99", "--json", "--regressions", corpus).Json())
            .Select(p => $"{p.Key}:{p.Value.GetProperty("cases").GetInt32()}"));
        Assert.Equal(Cases(a.Path), Cases(b.Path));
        Assert.Equal(Directory.EnumerateFiles(a.Path).Select(Path.GetFileName).Order(), Directory.EnumerateFiles(b.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void CheckHelp_ListsTheImplementations()
    {
        var run = CliRun.Of("check", "--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var name in new[] { "optimized", "oracle", GateFiles.H13, GateFiles.HalfAmx }) Assert.Contains(name, run.Stdout);
    }

    [Fact]
    public void NoVerb_RunsCheck_WithTheCiTimeBudget()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("--max-tests", "5", "--property", "layout.sizes.differential", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.StartsWith("check: 1 properties against optimized", run.Stdout);
        Assert.Contains($"time budget {CheckCommand.CiTimeBudgetSeconds} s", run.Stdout);
        Assert.Contains("Gate PASSED", run.Stdout);
    }

    [Fact]
    public void NoVerb_OptionsGoToCheck()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("--impl", GateFiles.H13, "--property", "layout.sizes.differential", "--max-tests", "100", "--json", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        Assert.Equal(GateFiles.H13, run.Json().GetProperty("implementation").GetString());
    }

    [Fact]
    public void Check_WithoutVerbDefaults_HasNoTimeBudget()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--property", "layout.sizes.differential", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.DoesNotContain("time budget", run.Stdout);
        Assert.Contains("up to 100 cases each", run.Stdout);
    }
}
