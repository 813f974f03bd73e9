using Xsave.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Xsave.Cli.Tests;

/// <summary>
/// Bad input to the gate verbs: each gets exactly one line on stderr naming the problem (and the file), exit 2, and
/// every file already on disk stays as it was (content and mtime), with nothing added.
/// </summary>
public class GateBadInputTests
{
    private const string Header = """{"format": "xsave-conformance/regression", """;

    /// <summary>A regression corpus holding one good-looking file and the bad ones the cases name.</summary>
    private static TempDirectory Corpus()
    {
        var dir = new TempDirectory();
        dir.Write("kept.json", Header + """ "version": 1, "property": "layout.sizes.differential", "input": {"kept": true}}""");
        dir.Write("corrupt.json", Header + """ "version": 1, ]]] }""");
        dir.Write("truncated.json", Header + "\"version\": 1, \"property\": \"layout.sizes.diff");
        dir.Write("future.json", Header + """ "version": 2, "property": "layout.sizes.differential", "input": {}}""");
        dir.Write("unknown-law.json", Header + """ "version": 1, "property": "no.such.law", "input": {}}""");
        dir.Write("bad-input.json", Header + """ "version": 1, "property": "layout.sizes.differential", "input": {"mask": {"hex": "0x3"}}}""");
        return dir;
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { "replay {dir}/corrupt.json", "{dir}/corrupt.json: not valid JSON at line 1" },
        { "replay {dir}/truncated.json", "{dir}/truncated.json: truncated" },
        { "replay {dir}/future.json", "{dir}/future.json: regression format version 2 is newer than this tool reads" },
        { "replay {dir}/unknown-law.json", "{dir}/unknown-law.json: unknown property 'no.such.law'" },
        { "replay {dir}/bad-input.json", "{dir}/bad-input.json: input does not decode for property 'layout.sizes.differential'" },
        { "replay {dir}/missing.json", "{dir}/missing.json: no such file" },
        { "explain {dir}/corrupt.json", "{dir}/corrupt.json: not valid JSON" },
        { "explain {dir}/future.json", "{dir}/future.json: regression format version 2" },
        { "explain {dir}/unknown-law.json", "unknown property 'no.such.law'" },
        { "check --regressions {dir} --property no.such.law", "unknown property 'no.such.law'" },
        { "check --regressions {dir} --impl nope", "unknown implementation 'nope'; known: optimized, oracle" },
        { "replay --regressions {dir} --impl nope", "unknown implementation 'nope'" },
        { "explain {dir}/kept.json --impl nope", "unknown implementation 'nope'" },
        { "check --regressions {dir} --shard 0/2", "--shard '0/2': K must be from 1 to N (2)" },
        { "check --regressions {dir} --shard 3/2", "--shard '3/2': K must be from 1 to N (2)" },
        { "check --regressions {dir} --shard x", "--shard 'x' is not K/N" },
        { "check --regressions {dir} --max-tests 0", "--max-tests 0 must be at least 1" },
        { "check --regressions {dir} --time 0", "--time 0 must be more than 0 seconds" },
        { "check --regressions {dir}/kept.json/sub", "{dir}/kept.json/sub: regression corpus directory is not writable" },
        { "check --regressions {dir} --cpus {dir}/no-cpus", "{dir}/no-cpus: CPU profile directory does not exist" },
        { "check --regressions {dir} --junit {dir}/no/such/results.xml", "{dir}/no/such/results.xml: --junit: the directory does not exist" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInput_OneLineError_Exit2_NothingOnDiskLost(string command, string expected)
    {
        using var dir = Corpus();
        var before = GateFiles.Snapshot(dir.Path);
        var args = command.Replace("{dir}", dir.Path).Split(' ');

        var run = CliRun.Of(args);

        Assert.True(run.ExitCode == ExitCodes.InputError, $"exit {run.ExitCode}: {run.Stdout}{run.Stderr}");
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected.Replace("{dir}", dir.Path), line);
        GateFiles.AssertUnchanged(before, dir.Path);
    }

    [Fact]
    public void Replay_OneBadFileAmongGoodOnes_StillReplaysTheGood_Exit2()
    {
        using var dir = new TempDirectory();
        var found = CliRun.Of("check", "--impl", GateFiles.H13, "--property", "layout.sizes.differential", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, found.ExitCode);
        dir.Write("zz-corrupt.json", "{");
        var run = CliRun.Of("replay", "--regressions", dir.Path, "--json");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var summary = run.Json().GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("passed").GetInt32());
        Assert.Equal(1, summary.GetProperty("errors").GetInt32());
        Assert.Contains("zz-corrupt.json: truncated", Assert.Single(run.ErrorLines));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // skipped there, with the reason
    public void Check_ReadOnlyCorpusDirectory_OneLineError_Exit2_UnlessRoot()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes do not apply on Windows");
        using var dir = Corpus();
        var before = GateFiles.Snapshot(dir.Path);
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Skip.If(GateFiles.ChmodIsIneffective(dir.Path), "running as root, a read-only mode does not stop writes; " +
                                                            "the 'directory below a file' case covers the error as root");
            var run = CliRun.Of("check", "--regressions", dir.Path, "--max-tests", "1");
            Assert.Equal(ExitCodes.InputError, run.ExitCode);
            Assert.Contains($"{dir.Path}: regression corpus directory is not writable", Assert.Single(run.ErrorLines));
        }
        finally
        {
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        GateFiles.AssertUnchanged(before, dir.Path);
    }
}
