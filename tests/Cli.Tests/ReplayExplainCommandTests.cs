using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>'replay' and 'explain' on files the gate found in the mutants.</summary>
public class ReplayExplainCommandTests
{
    /// <summary>Runs check against H13 on one law; returns the regression file it wrote.</summary>
    private static string FoundFile(TempDirectory dir, string property = "layout.sizes.differential")
    {
        var run = CliRun.Of("check", "--impl", GateFiles.H13, "--property", property, "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        return Assert.Single(Directory.EnumerateFiles(dir.Path));
    }

    [Fact]
    public void Replay_WholeCorpusDirectory_AgainstOptimized_Passes()
    {
        using var dir = new TempDirectory();
        CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.*", "--regressions", dir.Path);
        var count = Directory.EnumerateFiles(dir.Path).Count();
        Assert.True(count >= 2);
        var run = CliRun.Of("replay", "--regressions", dir.Path, "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var json = run.Json();
        Assert.Equal("optimized", json.GetProperty("implementation").GetString());
        Assert.Equal(count, json.GetProperty("summary").GetProperty("passed").GetInt32());
        Assert.All(json.GetProperty("files").EnumerateArray(), f => Assert.Equal("passed", f.GetProperty("result").GetString()));
    }

    [Fact]
    public void Replay_Human_SaysItFailsAsRecorded_Exit1()
    {
        using var dir = new TempDirectory();
        var file = FoundFile(dir);
        var run = CliRun.Of("replay", file, "--impl", GateFiles.H13);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        Assert.Contains("fails as recorded", run.Stdout);
        Assert.Contains("Replay FAILED", run.Stdout);
    }

    [Fact]
    public void Replay_EmptyCorpus_NothingToDo_Exit0()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("replay", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("no regression files", run.Stdout);
    }

    [Fact]
    public void Replay_TheRepositorysCorpus_PassesAgainstOptimized()
    {
        var run = CliRun.Of("replay", "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.True(run.Json().GetProperty("files").GetArrayLength() >= 2);
    }

    [Fact]
    public void Explain_ShowsOracleAndImplementationSideBySide_DifferingFieldMarked()
    {
        using var dir = new TempDirectory();
        var file = FoundFile(dir);
        // The expected values come from the file itself, read as plain JSON.
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var expected = doc.RootElement.GetProperty("expected").GetProperty("Compacted").GetInt32();
        var observed = doc.RootElement.GetProperty("observed").GetProperty("Compacted").GetInt32();
        var standard = doc.RootElement.GetProperty("expected").GetProperty("Standard").GetInt32();
        Assert.NotEqual(expected, observed);

        var run = CliRun.Of("explain", file);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("layout.sizes.differential", run.Stdout);
        Assert.Contains(doc.RootElement.GetProperty("input_text").GetString()!, run.Stdout);
        Assert.Contains($"oracle (expected) vs {GateFiles.H13} (observed, as recorded): 1 of 2 fields differ", run.Stdout);
        var differing = run.Stdout.Split('\n').Single(l => l.Contains("Compacted") && l.Contains('│'));
        Assert.Contains("≠", differing);
        Assert.Contains(expected.ToString(), differing);
        Assert.Contains(observed.ToString(), differing);
        var same = run.Stdout.Split('\n').Single(l => l.Contains("Standard") && l.Contains('│'));
        Assert.DoesNotContain("≠", same);
        Assert.Contains(standard.ToString(), same);
    }

    [Fact]
    public void Explain_WithImpl_AsksItAgainNow()
    {
        using var dir = new TempDirectory();
        var file = FoundFile(dir);
        var run = CliRun.Of("explain", file, "--impl", "optimized");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("optimized: passed", run.Stdout);
        Assert.Contains("0 of 2 fields differ", run.Stdout);
    }

    [Fact]
    public void Explain_Json_ListsFieldsWithDiffers()
    {
        using var dir = new TempDirectory();
        var file = FoundFile(dir, "layout.compacted.differential");
        var json = CliRun.Of("explain", file, "--json").Json();
        Assert.Equal("layout.compacted.differential", json.GetProperty("property").GetString());
        Assert.Equal(GateFiles.H13, json.GetProperty("observed_by").GetString());
        var fields = json.GetProperty("fields").EnumerateArray().ToList();
        Assert.Contains(fields, f => f.GetProperty("differs").GetBoolean());
        Assert.Contains(fields, f => !f.GetProperty("differs").GetBoolean());
    }
}
