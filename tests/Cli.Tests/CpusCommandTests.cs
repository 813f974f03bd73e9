using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>'cpus': the corpus listing, and where the corpus is looked for (default, --cpus, XSAVE_CORPUS).</summary>
public class CpusCommandTests
{
    [Fact]
    public void Cpus_Json_ListsEveryCorpusFile()
    {
        var run = CliRun.Of("cpus", "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var profiles = run.Json().GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal(176, profiles.Count);
        Assert.Equal(RawCorpus.Files.Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal),
            profiles.Select(p => p.GetProperty("id").GetString()));
        Assert.Empty(run.Json().GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public void Cpus_Json_EntryShape_AndSapphireRapidsValues()
    {
        var spr = CliRun.Of("cpus", "--json").Json().GetProperty("profiles").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "intel-sapphirerapids-806f8");
        Assert.Equal(["id", "name", "xcr0_supported", "xss_supported", "clean", "anomalies"],
            spr.EnumerateObject().Select(p => p.Name));
        // The values of the file.
        Assert.Equal("Intel(R) Xeon(R) w7-2475X", spr.GetProperty("name").GetString());
        Assert.Equal("0x602e7", spr.GetProperty("xcr0_supported").GetString());
        Assert.Equal("0xdd00", spr.GetProperty("xss_supported").GetString());
        Assert.True(spr.GetProperty("clean").GetBoolean());
        Assert.Empty(spr.GetProperty("anomalies").EnumerateArray());
    }

    [Fact]
    public void Cpus_Json_ProfileTheCuratorMarkedNotClean_IsNotClean()
    {
        // intel-haswell-306c3: "clean": false in the file (AVX sub-leaf reads all-zero).
        Assert.False(RawCorpus.Profile("intel-haswell-306c3").GetProperty("clean").GetBoolean());
        var entry = CliRun.Of("cpus", "--json").Json().GetProperty("profiles").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "intel-haswell-306c3");
        Assert.False(entry.GetProperty("clean").GetBoolean());
    }

    [Fact]
    public void Cpus_Human_ListsEveryId()
    {
        var run = CliRun.Of("cpus");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (var file in RawCorpus.Files) Assert.Contains(Path.GetFileNameWithoutExtension(file), run.Stdout);
        Assert.Contains("176 profiles", run.Stdout);
    }

    [Fact]
    public void Cpus_CorpusOption_ReadsThatDirectory()
    {
        using var dir = new TempDirectory();
        dir.Write("one.json", LayoutCommandTests.HandWrittenProfile);
        var run = CliRun.Of("cpus", "--json", "--cpus", dir.Path);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("test-avx-only", Assert.Single(run.Json().GetProperty("profiles").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public void Cpus_XsaveCorpusVariable_ReadsThatDirectory_AndLayoutFindsIdsThere()
    {
        using var dir = new TempDirectory();
        dir.Write("one.json", LayoutCommandTests.HandWrittenProfile);
        var env = new Dictionary<string, string> { ["XSAVE_CORPUS"] = dir.Path };
        Assert.Single(CliRun.Of(env, "cpus", "--json").Json().GetProperty("profiles").EnumerateArray());
        Assert.Equal(ExitCodes.Ok, CliRun.Of(env, "layout", "--cpu", "test-avx-only").ExitCode);
        Assert.Equal(ExitCodes.InputError, CliRun.Of(env, "layout", "--cpu", "intel-sapphirerapids-806f8").ExitCode);
    }

    [Fact]
    public void Cpus_BrokenFileInCorpus_ListsTheRest_ReportsTheFile_Exit2()
    {
        using var dir = new TempDirectory();
        dir.Write("good.json", LayoutCommandTests.HandWrittenProfile);
        var broken = dir.Write("broken.json", "[1, 2");
        var run = CliRun.Of("cpus", "--json", "--cpus", dir.Path);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var json = run.Json();
        Assert.Single(json.GetProperty("profiles").EnumerateArray());
        Assert.Contains(broken, Assert.Single(json.GetProperty("errors").EnumerateArray()).GetString());
        Assert.Contains(broken, run.Stderr);
    }

    [Fact]
    public void Cpus_MissingCorpusDirectory_Exit2()
    {
        var run = CliRun.Of("cpus", "--cpus", "/nonexistent/corpus");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("/nonexistent/corpus", run.Stderr);
    }
}
