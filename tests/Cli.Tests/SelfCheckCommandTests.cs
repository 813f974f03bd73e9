using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'self-check' (the main job for now): the oracle's size rules against the dumps' own ECX/EBX measurements.
/// </summary>
public class SelfCheckCommandTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    [Fact]
    public void SelfCheck_WholeCorpus_EveryCleanProfilePasses_Exit0()
    {
        var run = CliRun.Of("self-check", "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stdout);
        var json = run.Json();
        Assert.True(json.GetProperty("passed").GetBoolean());
        var profiles = json.GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal(176, profiles.Count);
        var failedClean = profiles.Where(p => p.GetProperty("clean").GetBoolean() && !p.GetProperty("passed").GetBoolean())
            .Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Empty(failedClean);
    }

    [Fact]
    public void SelfCheck_SapphireRapids_EcxAndTheDumpsPair_R4_R5()
    {
        var spr = CliRun.Of("self-check", "--json").Json().GetProperty("profiles").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == Spr);
        Assert.Equal(0x2B00, spr.GetProperty("dump_ecx").GetInt32());
        Assert.Equal(0x2B00, spr.GetProperty("oracle_max_standard_size").GetInt32());
        Assert.Equal(0x2B00, spr.GetProperty("dump_ebx0").GetInt32());
        Assert.Equal(0x2A80, spr.GetProperty("dump_ebx1").GetInt32());
        // Worked by hand in LayoutCommandTests: all user bits and PT reproduce EBX0 = 0x2B00 and EBX1 = 0x2A80.
        Assert.Contains(spr.GetProperty("pairs").EnumerateArray(),
            p => p.GetProperty("xcr0").GetString() == "0x602e7" && p.GetProperty("xss").GetString() == "0x100");
        Assert.True(spr.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void SelfCheck_CleanProfileWhoseEbxNoPairReproduces_Fails_Exit1()
    {
        // Sub-leaf 1 EBX = 0x2A84: every SPR component size is a multiple of 8, so no compacted size can be 0x2A84.
        using var dir = new TempDirectory();
        var text = File.ReadAllText(RawCorpus.PathOf(Spr));
        Assert.Contains("\"0x00002A80\"", text);
        dir.Write("tampered.json", text.Replace("\"0x00002A80\"", "\"0x00002A84\""));
        var run = CliRun.Of("self-check", "--json", "--cpus", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var only = Assert.Single(run.Json().GetProperty("profiles").EnumerateArray());
        Assert.True(only.GetProperty("clean").GetBoolean());
        Assert.Empty(only.GetProperty("pairs").EnumerateArray());
        Assert.False(only.GetProperty("passed").GetBoolean());
        Assert.False(run.Json().GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void SelfCheck_NotCleanProfileThatFails_IsReportedButDoesNotGate_Exit0()
    {
        // intel-haswell-306c3 is not clean (its AVX sub-leaf reads all-zero), so its ECX 0x340 cannot be reproduced.
        using var dir = new TempDirectory();
        dir.Write("haswell.json", File.ReadAllText(RawCorpus.PathOf("intel-haswell-306c3")));
        var run = CliRun.Of("self-check", "--json", "--cpus", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var only = Assert.Single(run.Json().GetProperty("profiles").EnumerateArray());
        Assert.False(only.GetProperty("clean").GetBoolean());
        Assert.False(only.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void SelfCheck_Human_TableAndSummary_PlainWhenNotATerminal()
    {
        var run = CliRun.Of("self-check");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(Spr, run.Stdout);
        Assert.Contains("176 profiles", run.Stdout);
        Assert.Contains("Self-check PASSED", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout);
    }

    [Fact]
    public void SelfCheck_EmptyCorpus_Exit2()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("self-check", "--cpus", dir.Path);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains(dir.Path, run.Stderr);
    }
}
