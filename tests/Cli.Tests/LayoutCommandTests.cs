using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// 'layout --json': the exact output object of the issue, with numbers checked against the dump files themselves
/// (CPUID.(0xD,0).ECX, sub-leaf EAX/EBX) and SPEC R8-R15.
/// </summary>
public class LayoutCommandTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    [Fact]
    public void Layout_Json_IsExactlyTheSpecifiedObject()
    {
        var run = CliRun.Of("layout", "--cpu", Spr, "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var json = run.Json();
        Assert.Equal(["cpu", "xcr0", "xss", "valid", "errors", "standard", "compacted"], Keys(json));
        Assert.Equal(["size", "components"], Keys(json.GetProperty("standard")));
        Assert.Equal(["size", "xcomp_bv", "components"], Keys(json.GetProperty("compacted")));
        foreach (var c in json.GetProperty("standard").GetProperty("components").EnumerateArray()
                     .Concat(json.GetProperty("compacted").GetProperty("components").EnumerateArray()))
        {
            Assert.Equal(["index", "offset", "size"], Keys(c));
            Assert.All(Keys(c), k => Assert.Equal(JsonValueKind.Number, c.GetProperty(k).ValueKind));
        }
        Assert.Equal(JsonValueKind.True, json.GetProperty("valid").ValueKind);
        Assert.Empty(json.GetProperty("errors").EnumerateArray());
        // Json() parses the whole of stdout: anything beyond the one object would fail the parse.
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
    }

    [Fact]
    public void Layout_Json_SapphireRapids_DefaultsAreSupportedSets_AndSizesAreTheDumps_R4_R14()
    {
        var json = CliRun.Of("layout", "--cpu", Spr, "--json").Json();
        Assert.Equal(Spr, json.GetProperty("cpu").GetString());
        // xcr0_supported / xss_supported of the file.
        Assert.Equal("0x602e7", json.GetProperty("xcr0").GetString());
        Assert.Equal("0xdd00", json.GetProperty("xss").GetString());

        var standard = json.GetProperty("standard");
        // R4: CPUID.(0xD,0).ECX = 0x2B00 is the standard size with every supported XCR0 bit enabled.
        Assert.Equal(0x2B00, standard.GetProperty("size").GetInt32());
        var components = Components(standard);
        // Ascending index; x87 and SSE at their legacy offsets (R12); user components of XCR0 only (R14).
        Assert.Equal([0, 1, 2, 5, 6, 7, 9, 17, 18], components.Select(c => c.Index));
        Assert.Equal((0, 0, 160), components[0]);
        Assert.Equal((1, 160, 256), components[1]);
        // R14: component i at CPUID.(0xD,i).EBX, EAX bytes: sub-leaf 18 = [0x2000, 0xB00, ...], sub-leaf 2 = [0x100, 0x240].
        Assert.Equal((18, 0xB00, 0x2000), components.Single(c => c.Index == 18));
        Assert.Equal((2, 0x240, 0x100), components.Single(c => c.Index == 2));

        // The compacted format lists XCR0|XSS (supervisor components too), ascending.
        var compacted = json.GetProperty("compacted");
        Assert.Equal([0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18], Components(compacted).Select(c => c.Index));
        // R52: XCOMP_BV = the component set | bit 63.
        Assert.Equal("0x800000000006dfe7", compacted.GetProperty("xcomp_bv").GetString());
    }

    [Fact]
    public void Layout_Json_SapphireRapids_DumpsEnabledPair_ReproducesSubLeaf0And1Ebx_R4_R5_R15()
    {
        // By hand with R15 from the file: 576 +256 (AVX) +64 +512 +1024 (AVX-512) +128 (PT) +8 (PKRU) = 2568,
        // TILECFG aligned to 2624 +64 = 2688, TILEDATA +0x2000 = 10880 = 0x2A80 = CPUID.(0xD,1).EBX.
        var json = CliRun.Of("layout", "--cpu", Spr, "--xcr0", "0x602e7", "--xss", "0x100", "--json").Json();
        Assert.Equal((int)RawCorpus.Register(Spr, 0, 1), json.GetProperty("standard").GetProperty("size").GetInt32());
        Assert.Equal((int)RawCorpus.Register(Spr, 1, 1), json.GetProperty("compacted").GetProperty("size").GetInt32());
        Assert.Equal(0x2A80, json.GetProperty("compacted").GetProperty("size").GetInt32());
        Assert.Equal((18, 2688, 0x2000), Components(json.GetProperty("compacted")).Single(c => c.Index == 18));
        Assert.Equal("0x80000000000603e7", json.GetProperty("compacted").GetProperty("xcomp_bv").GetString());
    }

    [Theory]
    [MemberData(nameof(RawCorpus.AllIds), MemberType = typeof(RawCorpus))]
    public void Layout_AnswersForEveryCorpusProfile(string id)
    {
        var run = CliRun.Of("layout", "--cpu", id, "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var json = run.Json();
        Assert.Equal(id, json.GetProperty("cpu").GetString());
        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Empty(run.Stderr);

        // R5: a compacted layout exactly when CPUID.(0xD,1).EAX[1] (XSAVEC) is set.
        bool xsavec = (RawCorpus.Register(id, 1, 0) & 2) != 0;
        Assert.Equal(xsavec ? JsonValueKind.Object : JsonValueKind.Null, json.GetProperty("compacted").ValueKind);

        // R4: on a consistent dump, the standard size of every supported user bit is CPUID.(0xD,0).ECX.
        var raw = RawCorpus.Profile(id);
        if (raw.GetProperty("clean").GetBoolean())
        {
            Assert.Equal((int)RawCorpus.Register(id, 0, 2), json.GetProperty("standard").GetProperty("size").GetInt32());
            Assert.Equal(raw.GetProperty("xcr0_supported").GetString()!.ToLowerInvariant(), json.GetProperty("xcr0").GetString());
            Assert.Equal(raw.GetProperty("xss_supported").GetString()!.ToLowerInvariant(), json.GetProperty("xss").GetString());
        }
    }

    [Fact]
    public void Layout_Json_CompactedIsNull_WithoutXsavec_R5()
    {
        // intel-haswellep-306f2: CPUID.(0xD,1).EAX = 0x1 (XSAVEOPT only).
        var json = CliRun.Of("layout", "--cpu", "intel-haswellep-306f2", "--json").Json();
        Assert.Equal(JsonValueKind.Null, json.GetProperty("compacted").ValueKind);
        Assert.Equal(0x340, json.GetProperty("standard").GetProperty("size").GetInt32());
    }

    [Fact]
    public void Layout_ProfileFileOutsideTheCorpus_HandWritten()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("my-cpu.json", HandWrittenProfile);
        var run = CliRun.Of("layout", "--cpu", file, "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var json = run.Json();
        Assert.Equal("test-avx-only", json.GetProperty("cpu").GetString());
        Assert.Equal("0x7", json.GetProperty("xcr0").GetString());
        Assert.Equal("0x0", json.GetProperty("xss").GetString());
        // R14 from the written sub-leaf 2 [0x100, 0x240]: 576 + 256 = 832 = the ECX written in the file.
        Assert.Equal(832, json.GetProperty("standard").GetProperty("size").GetInt32());
        Assert.Equal([(0, 0, 160), (1, 160, 256), (2, 576, 256)], Components(json.GetProperty("standard")));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("compacted").ValueKind);
    }

    [Fact]
    public void Layout_ProfileFileOutsideTheCorpus_CopyOfARealProfile()
    {
        using var dir = new TempDirectory();
        var text = File.ReadAllText(RawCorpus.PathOf(Spr)).Replace($"\"id\": \"{Spr}\"", "\"id\": \"my-spr\"");
        var file = dir.Write("elsewhere.json", text);
        var json = CliRun.Of("layout", "--cpu", file, "--json").Json();
        Assert.Equal("my-spr", json.GetProperty("cpu").GetString());
        Assert.Equal(0x2B00, json.GetProperty("standard").GetProperty("size").GetInt32());
        Assert.Equal((18, 0xB00, 0x2000), Components(json.GetProperty("standard")).Single(c => c.Index == 18));
    }

    [Theory]
    [InlineData("0x2", "R8: bit 0 (x87) must be set")]
    [InlineData("0x5", "R8: bit 2 (AVX) requires bit 1 (SSE)")]
    [InlineData("0x27", "R9: bits 5-7 (AVX-512 opmask, ZMM_Hi256, Hi16_ZMM) must be set together")]
    public void Layout_InvalidXcr0_ValidFalse_WithReasons_Exit2_R8_R9(string xcr0, string expectedError)
    {
        var run = CliRun.Of("layout", "--cpu", Spr, "--xcr0", xcr0, "--json");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var json = run.Json();
        Assert.False(json.GetProperty("valid").GetBoolean());
        Assert.Contains(expectedError, json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(xcr0, json.GetProperty("xcr0").GetString());
        // The layouts of the requested masks are still given.
        Assert.Equal(JsonValueKind.Object, json.GetProperty("standard").ValueKind);
    }

    [Fact]
    public void Layout_InvalidXss_UserBit_ValidFalse_Exit2_R10()
    {
        var run = CliRun.Of("layout", "--cpu", Spr, "--xss", "0x4", "--json");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var json = run.Json();
        Assert.False(json.GetProperty("valid").GetBoolean());
        var errors = json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Single(errors);
        Assert.StartsWith("R10:", errors[0]);
    }

    [Fact]
    public void Layout_Human_InvalidXcr0_SaysWhy_Exit2()
    {
        var run = CliRun.Of("layout", "--cpu", Spr, "--xcr0", "0x2");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("R8: bit 0 (x87) must be set", run.Stdout);
    }

    [Fact]
    public void Layout_Human_ShowsEveryComponentAndTotals()
    {
        var run = CliRun.Of("layout", "--cpu", Spr);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("AMX_TILEDATA", run.Stdout);
        Assert.Contains("2816 (0xb00)", run.Stdout);    // sub-leaf 18 EBX
        Assert.Contains("11008 (0x2b00)", run.Stdout);  // sub-leaf 0 ECX
        Assert.DoesNotContain("\u001b[", run.Stdout);   // no ANSI codes when stdout is not a terminal
    }

    [Theory]
    [InlineData("zzz")]
    [InlineData("0x1ffffffffffffffff")]
    [InlineData("")]
    public void Layout_MalformedMask_IsUsageError_Exit2(string xcr0)
    {
        var run = CliRun.Of("layout", "--cpu", Spr, "--xcr0", xcr0);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("--xcr0", run.ErrorLines[0]);
    }

    [Fact]
    public void Layout_UnknownCpuId_OneLineError_SuggestsNearest_Exit2()
    {
        var run = CliRun.Of("layout", "--cpu", "sapphirerapids");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("'sapphirerapids'", line);
        Assert.Contains(Spr, line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public void Layout_MalformedProfileFile_OneLineErrorNamingTheFile_Exit2()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("broken.json", "{\"id\": \"x\", \"vendor\": ");
        var run = CliRun.Of("layout", "--cpu", file);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(file, line);
        Assert.DoesNotContain(" at Xsave", run.Stderr);
    }

    [Fact]
    public void Layout_ProfileFileMissingARequiredField_NamesFileAndField_Exit2()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("no-leaf.json", HandWrittenProfile.Replace("\"leaf0d\"", "\"leaf0x\""));
        var run = CliRun.Of("layout", "--cpu", file);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(file, line);
        Assert.Contains("leaf0d", line);
    }

    [Fact]
    public void Layout_MissingProfileFile_Exit2()
    {
        var run = CliRun.Of("layout", "--cpu", "/nonexistent/dir/cpu.json");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("/nonexistent/dir/cpu.json", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Layout_WithoutCpu_IsUsageError_Exit2()
    {
        var run = CliRun.Of("layout");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("--cpu", run.Stderr);
    }

    internal const string HandWrittenProfile = """
        {
          "id": "test-avx-only",
          "vendor": "GenuineIntel",
          "name": "hand-written test profile",
          "source": { "kind": "test", "subject": "written by Cli.Tests" },
          "leaf0d": {
            "0": ["0x00000007", "0x00000340", "0x00000340", "0x00000000"],
            "1": ["0x00000001", "0x00000000", "0x00000000", "0x00000000"],
            "2": ["0x00000100", "0x00000240", "0x00000000", "0x00000000"]
          },
          "xcr0_supported": "0x7",
          "xss_supported": "0x0",
          "clean": true,
          "anomalies": []
        }
        """;

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    private static List<(int Index, int Offset, int Size)> Components(JsonElement layout) =>
        layout.GetProperty("components").EnumerateArray()
            .Select(c => (c.GetProperty("index").GetInt32(), c.GetProperty("offset").GetInt32(), c.GetProperty("size").GetInt32()))
            .ToList();
}
