using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>'boot' and 'policies': the Linux boot configuration (SPEC R30-R45) as the runner prints it.</summary>
public class BootCommandTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    /// <summary>
    /// The build host of shared/KERNEL-OBSERVATIONS.md as a profile file outside the corpus: leaf 0xD, leaf 1 and
    /// leaf 7 exactly as §1a measured them (APIC id bits of leaf 1 EBX zeroed).
    /// </summary>
    private const string ObservedZen5Profile = """
        {
          "id": "observed-zen5-host", "vendor": "AuthenticAMD", "name": "AMD EPYC (KERNEL-OBSERVATIONS host)",
          "family": 26, "model": 2, "stepping": 1,
          "source": {"kind": "measurement", "url": "https://example.invalid/shared/KERNEL-OBSERVATIONS.md#1a"},
          "leaf0d": {
            "0": ["0x000000E7", "0x00000980", "0x00000980", "0x00000000"],
            "1": ["0x0000000F", "0x000009A8", "0x00001800", "0x00000000"],
            "2": ["0x00000100", "0x00000240", "0x00000000", "0x00000000"],
            "5": ["0x00000040", "0x00000340", "0x00000000", "0x00000000"],
            "6": ["0x00000200", "0x00000380", "0x00000000", "0x00000000"],
            "7": ["0x00000400", "0x00000580", "0x00000000", "0x00000000"],
            "11": ["0x00000010", "0x00000000", "0x00000001", "0x00000000"],
            "12": ["0x00000018", "0x00000000", "0x00000001", "0x00000000"]
          },
          "leaf1": ["0x00B00F21", "0x00020800", "0xFFFA3203", "0x178BFBFF"],
          "leaf7": {"0": ["0x00000001", "0xF1BF07AB", "0x00405FC6", "0x00000110"], "1": ["0x00000030", "0x00000000", "0x00000000", "0x00000000"]},
          "xcr0_supported": "0xe7", "xss_supported": "0x1800", "clean": true, "anomalies": [], "notes": ""
        }
        """;

    [Fact]
    public void Boot_Json_IsExactlyTheSpecifiedObject()
    {
        var json = CliRun.Of("boot", "--cpu", Spr, "--json").Json();
        Assert.Equal(["cpu", "policy", "xsave", "compacted", "disabled_reason", "xcr0", "xss", "kernel", "user", "guest"], Keys(json));
        Assert.Equal(["max_features", "default_features", "independent_features", "max_size", "default_size"], Keys(json.GetProperty("kernel")));
        Assert.Equal(["max_features", "default_features", "max_size", "default_size"], Keys(json.GetProperty("user")));
        Assert.Equal(["features", "size"], Keys(json.GetProperty("guest")));
        Assert.Equal("merged", json.GetProperty("policy").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("disabled_reason").ValueKind);
    }

    [Fact]
    public void Boot_SapphireRapids_SizesAreSpecR16()
    {
        var json = CliRun.Of("boot", "--cpu", Spr, "--json").Json();
        // R16: standard size of every user feature 11008 (= the dump's ECX); host and guest compacted defaults 2560.
        Assert.Equal(11008, json.GetProperty("user").GetProperty("max_size").GetInt32());
        Assert.Equal(2560, json.GetProperty("kernel").GetProperty("default_size").GetInt32());
        Assert.Equal(2560, json.GetProperty("guest").GetProperty("size").GetInt32());
        // R39: user defaults leave out TILEDATA (USER_DYNAMIC); R2: the guest adds CET_KERNEL (bit 12) only.
        Assert.Equal("0x202e7", json.GetProperty("user").GetProperty("default_features").GetString());
        var host = Convert.ToUInt64(json.GetProperty("kernel").GetProperty("default_features").GetString(), 16);
        var guest = Convert.ToUInt64(json.GetProperty("guest").GetProperty("features").GetString(), 16);
        Assert.Equal(1UL << 12, guest & ~host);
    }

    [Fact]
    public void Boot_ProfileFileOutsideTheCorpus_ReproducesTheObservedHost()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("boot", "--cpu", dir.Write("zen5.json", ObservedZen5Profile), "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var json = run.Json();
        // KO §0: "Enabled xstate features 0x18e7, context size is 2472 bytes, using 'compacted' format".
        Assert.Equal("0x18e7", json.GetProperty("kernel").GetProperty("max_features").GetString());
        Assert.Equal(2472, json.GetProperty("kernel").GetProperty("max_size").GetInt32());
        Assert.True(json.GetProperty("compacted").GetBoolean());
        // KO §1b: XGETBV(0) = 0xe7; KO §2: ARCH_GET_XCOMP_SUPP = 0xe7; KO §6b: the ptrace regset is 2432 bytes.
        Assert.Equal("0xe7", json.GetProperty("xcr0").GetString());
        Assert.Equal("0xe7", json.GetProperty("user").GetProperty("max_features").GetString());
        Assert.Equal(2432, json.GetProperty("user").GetProperty("max_size").GetInt32());
    }

    [Theory]
    [MemberData(nameof(RawCorpus.AllIds), MemberType = typeof(RawCorpus))]
    public void Boot_AnswersForEveryCorpusProfile(string id)
    {
        var run = CliRun.Of("boot", "--cpu", id, "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        var json = run.Json();
        Assert.Equal(id, json.GetProperty("cpu").GetString());
        // R38: user.max ⊆ XCR0 bits the CPU supports; R40: XCR0 = user.max.
        var supported = Convert.ToUInt64(RawCorpus.Profile(id).GetProperty("xcr0_supported").GetString(), 16);
        var userMax = Convert.ToUInt64(json.GetProperty("user").GetProperty("max_features").GetString(), 16);
        Assert.Equal(0UL, userMax & ~supported);
        Assert.Equal(json.GetProperty("xcr0").GetString(), json.GetProperty("user").GetProperty("max_features").GetString());
        // R45: sizes are monotone.
        int kernelDefault = json.GetProperty("kernel").GetProperty("default_size").GetInt32();
        Assert.True(kernelDefault <= json.GetProperty("guest").GetProperty("size").GetInt32());
        Assert.True(json.GetProperty("guest").GetProperty("size").GetInt32() <= json.GetProperty("kernel").GetProperty("max_size").GetInt32());
    }

    [Theory]
    [InlineData("all-tasks")]
    [InlineData("none")]
    public void Boot_PolicyVariants_MoveCetKernel(string policy)
    {
        var json = CliRun.Of("boot", "--cpu", Spr, "--policy", policy, "--json").Json();
        Assert.Equal(policy, json.GetProperty("policy").GetString());
        var hostDefault = Convert.ToUInt64(json.GetProperty("kernel").GetProperty("default_features").GetString(), 16);
        var xss = Convert.ToUInt64(json.GetProperty("xss").GetString(), 16);
        const ulong cetKernel = 1UL << 12;
        if (policy == "all-tasks") Assert.NotEqual(0UL, hostDefault & cetKernel);  // every task carries it
        else Assert.Equal(0UL, xss & cetKernel);                                    // nobody does, so XSS lacks it
    }

    [Fact]
    public void Boot_Clearcpuid_ClearsWithTheClosure()
    {
        // cpuid-deps.c: AVX512F depends on AVX; SPR 0x602e7 loses YMM and the AVX-512 states.
        var json = CliRun.Of("boot", "--cpu", Spr, "--clearcpuid", "avx", "--json").Json();
        Assert.Equal("0x60203", json.GetProperty("xcr0").GetString());
        // "failure" is written only for a boot that died.
        Assert.False(json.TryGetProperty("failure", out _));
    }

    [Fact]
    public void Boot_AmxWithoutXfd_ShowsTheFailedBoot()
    {
        // The SPR profile with CPUID.(0xD,1).EAX[4] (XFD) clear: XCR0 keeps TILECFG without TILEDATA (SPEC F3).
        var profile = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestSupport.Corpus.CpusDirectory, Spr + ".json")))!;
        profile["id"] = "spr-no-xfd";
        profile["leaf0d"]!["1"]![0] = "0x0000000F";
        using var dir = new TempDirectory();
        var file = dir.Write("spr-no-xfd.json", profile.ToJsonString());

        var text = CliRun.Of("boot", "--cpu", file);
        Assert.True(text.ExitCode == ExitCodes.Ok, text.Stderr);
        Assert.Contains("BOOT FAILED: XSETBV #GP in fpu__init_cpu_xstate: XCR0 0x202e7 refused (R8)", text.Stdout);
        Assert.DoesNotContain("fpu_kernel_cfg", text.Stdout);

        var json = CliRun.Of("boot", "--cpu", file, "--json").Json();
        Assert.Equal("0x202e7", json.GetProperty("xcr0").GetString());
        Assert.StartsWith("XSETBV #GP", json.GetProperty("failure").GetString());

        var workaround = CliRun.Of("boot", "--cpu", file, "--clearcpuid", "amx_tile", "--json").Json();
        Assert.Equal("0x2e7", workaround.GetProperty("xcr0").GetString());
    }

    [Fact]
    public void Boot_UnknownClearcpuidFlag_IsUsageError()
    {
        var run = CliRun.Of("boot", "--cpu", Spr, "--clearcpuid", "avx2");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("--clearcpuid 'avx2' is not a modelled capability", run.Stderr);
    }

    [Fact]
    public void Boot_UnknownPolicy_IsUsageError()
    {
        var run = CliRun.Of("boot", "--cpu", Spr, "--policy", "sometimes");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("--policy 'sometimes' is not one of merged, all-tasks, none", run.ErrorLines[0]);
    }

    [Fact]
    public void Boot_UnknownCpu_OneLineError()
    {
        var run = CliRun.Of("boot", "--cpu", "intel-nonexistent-0");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public void Policies_Json_OneRowPerProfile_WithTheThreeVariants()
    {
        var json = CliRun.Of("policies", "--json").Json();
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(RawCorpus.Files.Count, rows.Count);
        var spr = rows.Single(r => r.GetProperty("cpu").GetString() == Spr);
        Assert.Equal(2560, spr.GetProperty("merged").GetProperty("host_default_size").GetInt32());
        Assert.Equal(2560, spr.GetProperty("merged").GetProperty("guest_default_size").GetInt32());
        foreach (var variant in new[] { "merged", "all-tasks", "none" })
            Assert.True(spr.GetProperty(variant).GetProperty("xsave").GetBoolean());
    }

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
}
