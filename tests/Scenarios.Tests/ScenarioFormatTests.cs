using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Gate.Regressions;
using Xsave.Oracle;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Scenarios.Conversion;

namespace Xsave.Scenarios.Tests;

/// <summary>
/// The scenario format items of issue 11: the absent matcher, the message for unquoted values with ': ', the
/// kvm_set_cpuid2 flags shorthand, 'components' for the layout queries, and the boot-option config keys.
/// </summary>
public class ScenarioFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scenfmt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private Running.ScenarioResult Run(string name, string text) =>
        ScenarioCorpus.Suite.RunFile(Write(name, text), () => new OracleImplementation());

    [Fact]
    public void Absent_PassesWhenTheFieldIsNotProduced_AndFailsWhenItIs()
    {
        // SPR without AMX sub-leaves in KVM's table after noxsaves (XFD cleared with XSAVES); sub-leaf 2 (YMM) is there.
        const string head = "# source: test\ncpu: intel-sapphirerapids-806f8\nconfig: {noxsaves: true}\nsteps:\n  - kvm_get_supported_cpuid: {}\n";
        Assert.Equal(Verdict.Pass, Run("absent-ok.yaml", head + "    expect: {cpuid.17.eax: absent}\n").Verdict);

        var bad = Run("absent-bad.yaml", head + "    expect: {cpuid.2.eax: absent}\n");
        Assert.Equal(Verdict.Diverge, bad.Verdict);
        Assert.Contains("expected no such field, got 0x100 (line 6)", bad.Steps[0].Reason);
    }

    [Fact]
    public void QuotedAbsent_IsAName_NotTheMatcher()
    {
        var r = Run("absent-quoted.yaml", "# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - boot: {}\n    expect: {boot.failure: \"absent\"}\n");
        Assert.Equal(Verdict.Diverge, r.Verdict);
        Assert.Contains("expected absent, got none", r.Steps[0].Reason);
    }

    [Theory]
    [InlineData("block.yaml", "# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - boot: {}\n    note: the kernel says: hello\n", 5,
        "the unquoted value 'the kernel says: hello' of 'note' contains ': '", "note: \"the kernel says: hello\"")]
    [InlineData("flow.yaml", "# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - boot: {}\n    expect: {boot.disabled_reason: XSAVE disabled by noxsave: yes}\n", 5,
        "the unquoted value 'XSAVE disabled by noxsave: yes' of 'boot.disabled_reason' contains ': '", "boot.disabled_reason: \"XSAVE disabled by noxsave: yes\"")]
    public void UnquotedValueWithColonSpace_SaysToQuoteIt_WithFileAndLine(string name, string text, int line, string message, string fix)
    {
        var r = Run(name, text);
        Assert.Equal(Verdict.HarnessError, r.Verdict);
        Assert.StartsWith($"{Path.Combine(_dir, name)}:{line}:", r.Error);
        Assert.Contains("YAML syntax error: " + message, r.Error);
        Assert.Contains("put the value in quotes: " + fix, r.Error);
    }

    [Theory]
    [InlineData("compacted_size: {xcomp_bv: 0x602e7}", "compacted_size: 'xcomp_bv' was renamed 'components'")]
    [InlineData("standard_layout: {xcr0: 0x2e7}", "standard_layout: 'xcr0' was renamed 'components'")]
    [InlineData("compacted_layout: {components: 0x80000000000602e7}", "has bit 63, XCOMP_BV's compacted-format flag, which is not a component")]
    [InlineData("kvm_set_cpuid2: {vcpu: 0, xcr0: 0x2e7, flags: [xsave, frobnicate]}", "kvm_set_cpuid2: unknown CPUID flag 'frobnicate'")]
    public void LayoutAndCpuidArguments_ErrorsNameTheRightWord(string step, string message)
    {
        var r = Run("args.yaml", $"# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - kvm_create_vcpu: {{}}\n  - {step}\n");
        Assert.Equal(Verdict.HarnessError, r.Verdict);
        Assert.StartsWith($"{Path.Combine(_dir, "args.yaml")}:5:", r.Error);
        Assert.Contains(message, r.Error);
    }

    [Fact]
    public void Components_GivesTheCompactedSize()
    {
        // H13: TILECFG aligned at 2496, TILEDATA at 2560 + 8192.
        var r = Run("components.yaml", "# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - compacted_size: {components: 0x602e7}\n    expect: {value: 10752}\n");
        Assert.Equal(Verdict.Pass, r.Verdict);
    }

    [Fact]
    public void FlagsShorthand_AddsLeaf1AndLeaf7Entries()
    {
        var parsed = ScenarioCorpus.Suite.Parser.Parse("flags.yaml",
            "# source: test\ncpu: intel-sapphirerapids-806f8\nsteps:\n  - kvm_set_cpuid2: {vcpu: 0, xcr0: 0x2e7, flags: [xsave, shstk, ibt]}\n");
        Assert.True(parsed.Scenario is not null, parsed.Error?.ToString());
        var cpu = ScenarioCorpus.Suite.Cpu("intel-sapphirerapids-806f8")!;
        var op = Assert.IsType<SetCpuid2Op>(Assert.IsType<Model.KernelAction>(parsed.Scenario.Steps[0].Action).Build(new Model.SideInputs(cpu, null, null)));
        // CPUID.1:ECX[26] XSAVE; CPUID.7.0:ECX[7] CET_SS (shstk) and EDX[20] CET_IBT.
        Assert.Contains(new CpuidEntry(1, 0, new CpuidRegs(0, 0, 1u << 26, 0)), op.Entries);
        Assert.Contains(new CpuidEntry(7, 0, new CpuidRegs(0, 0, 1u << 7, 1u << 20)), op.Entries);
    }

    [Theory]
    [InlineData("clearcpuid: \"avx,xsaves\"", CpuidFlags.Avx | CpuidFlags.Xsaves)]
    [InlineData("clearcpuid: [amx_tile, 324]", CpuidFlags.AmxTile | CpuidFlags.Xfd)]
    public void ClearcpuidConfig_TakesTheKernelListOrAYamlList(string key, CpuidFlags expected)
    {
        var parsed = ScenarioCorpus.Suite.Parser.Parse("cfg.yaml", $"# source: test\ncpu: intel-sapphirerapids-806f8\nconfig: {{{key}, noxsaveopt: true, cpuid_set_refreshes_current: false}}\nsteps: []\n");
        Assert.True(parsed.Scenario is not null, parsed.Error?.ToString());
        Assert.Equal(expected, parsed.Scenario.Config.ClearCpuid);
        Assert.True(parsed.Scenario.Config.NoXsaveopt);
        Assert.False(parsed.Scenario.Config.CpuidSetRefreshesCurrent);
    }

    [Fact]
    public void ClearcpuidConfig_UnknownFlag_IsAnErrorListingTheKnownOnes()
    {
        var parsed = ScenarioCorpus.Suite.Parser.Parse("cfg.yaml", "# source: test\ncpu: intel-sapphirerapids-806f8\nconfig: {clearcpuid: avx2}\nsteps: []\n");
        Assert.NotNull(parsed.Error);
        Assert.Equal(3, parsed.Error.Line);
        Assert.Contains("clearcpuid 'avx2' is not a modelled capability", parsed.Error.Message);
        Assert.Contains("amx_tile", parsed.Error.Message);
    }

    [Fact]
    public void Converter_WritesTheBootOptions_AndTheyReadBack()
    {
        var cpu = ScenarioCorpus.Suite.Cpu("intel-sapphirerapids-806f8")!;
        var config = KernelConfig.Default with
        {
            ClearCpuid = CpuidFlags.Avx | CpuidFlags.Xfd, NoXsaves = true, NoXsaveopt = true, CpuidSetRefreshesCurrent = false,
        };
        var ks = new KernelScenario(new CpuCase(cpu, null), config, [new ForkOp(1)]);
        var record = new RegressionRecord { Property = "kernel.process.differential", Input = KernelScenarioCodec.Instance.Encode(ks) };
        Assert.True(RegressionToScenario.TryConvert(record, "r.json", ScenarioCorpus.Suite.Cpu, out var yaml, out var error), error);
        Assert.Contains("clearcpuid: \"avx,324\"", yaml);
        var parsed = ScenarioCorpus.Suite.Parser.Parse("converted.yaml", yaml!);
        Assert.True(parsed.Scenario is not null, parsed.Error?.ToString());
        Assert.Equal(config, parsed.Scenario.Config);
    }
}
