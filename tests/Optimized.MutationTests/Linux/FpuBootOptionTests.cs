using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// fpu__init_system under every boot option the contract has (KernelConfig: noxsave, noxsaveopt, noxsaves, each
/// clearcpuid= flag through the cpuid-deps closure, a 32-bit build, IA32 emulation off, the CET supervisor policies,
/// protection keys off, the erratum-1386 workaround off) on corpus CPUs of different XSAVE generations: the boot and
/// everything <see cref="BootObservation"/> reads back must be the oracle's (SPEC R30-R45, R38a, R54). A few results
/// are pinned to their SPEC/kernel value so that the matrix cannot agree vacuously.
/// </summary>
public class FpuBootOptionTests
{
    private static readonly string[] Cpus =
    [
        "observed-zen5",                // XSAVES, CET_U/CET_S, AVX-512, no PKU (KO §1a)
        Corpus.SapphireRapids,          // AMX, XFD, PKRU, PASID, ARCH_LBR
        "intel-skylake-506e3",          // MPX, PT in XSS
        "amd-zen-800f11",               // family 17h: erratum 1386; XCR0 0x7
        "intel-tigerlake-806c1",        // CET, PKRU, AVX-512
        "intel-sandybridgee-206d7",     // XSAVE without XSAVEOPT/XSAVEC/XSAVES: the standard format
    ];

    private static readonly (string Name, KernelConfig Config)[] Configs = BuildConfigs();

    private static (string, KernelConfig)[] BuildConfigs()
    {
        var d = KernelConfig.Default;
        var list = new List<(string, KernelConfig)>
        {
            ("default", d),
            ("noxsave", d with { NoXsave = true }),
            ("noxsaveopt", d with { NoXsaveopt = true }),
            ("noxsaves", d with { NoXsaves = true }),
            ("32-bit", d with { Is64Bit = false }),
            ("no-ia32-emulation", d with { Ia32Emulation = false }),
            ("policy-alltasks", d with { Policy = CetSupervisorPolicy.AllTasks }),
            ("policy-none", d with { Policy = CetSupervisorPolicy.None }),
            ("no-protection-keys", d with { ProtectionKeys = false }),
            ("no-erratum-1386", d with { AmdZenXsavesErratum = false }),
        };
        foreach (var (flag, _, _) in CpuidFlagNames.All)
            list.Add(("clearcpuid=" + CpuidFlagNames.Word(flag), d with { ClearCpuid = flag }));
        return [.. list];
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var cpu in Cpus)
            foreach (var (name, _) in Configs)
                data.Add(cpu, name);
        return data;
    }

    internal static CpuModel Cpu(string id) => id == "observed-zen5" ? ObservedHost.Zen5() : Subjects.AllCpus.Single(c => c.Id == id);

    internal static KernelConfig Config(string name) => Configs.Single(c => c.Name == name).Config;

    [Theory]
    [MemberData(nameof(Cases))]
    public void BootAndFirstTask_AreTheOracles(string cpu, string config) => BootObservation.Observe(Cpu(cpu), Config(config));

    /// <summary>R32/R43: XSAVE cleared on the command line: legacy FXSAVE sizes, with the reason each way gives.</summary>
    [Theory]
    [InlineData("noxsave", "XSAVE disabled by noxsave")]
    [InlineData("clearcpuid=xsave", "XSAVE disabled by clearcpuid=")]
    [InlineData("clearcpuid=fxsr", "XSAVE disabled by clearcpuid=")]
    public void XsaveTakenAway_LegacyFxsave(string config, string reason)
    {
        var boot = BootObservation.Observe(ObservedHost.Zen5(), Config(config));
        Assert.False(boot.Xsave);
        Assert.Equal(reason, boot.DisabledReason);
        // R43: FXSR left (clearcpuid=fxsr: a 64-bit kernel requires it, the constant boot_cpu_has() still sees it).
        Assert.Equal(512u, boot.Kernel.MaxSize);
        Assert.Equal(512u, boot.GuestSize);
    }

    /// <summary>
    /// R37 reads the capability bitmap for FP/SSE (xsave_cpuid_features[] is a variable): clearcpuid=sse on a 64-bit
    /// kernel drops SSE from kernel.max, and R33 has run before, so XCR0 = x87|YMM|... which XSETBV refuses (R8): the
    /// boot dies (BootSummary.Failure).
    /// </summary>
    [Fact]
    public void ClearcpuidSse_DiesAtXsetbv()
    {
        var boot = BootObservation.Observe(ObservedHost.Zen5(), Config("clearcpuid=sse"));
        Assert.True(boot.Failed);
        Assert.Equal(0UL, boot.Xcr0.Bits & 2);
    }

    /// <summary>R38/R45: noxsaves on Tiger Lake: no supervisor state, CET_U gone with SHSTK, XSAVEC keeps compaction.</summary>
    [Fact]
    public void Noxsaves_TigerLake_UserStatesOnlyCompacted()
    {
        var boot = BootObservation.Observe(Cpu("intel-tigerlake-806c1"), Config("noxsaves"));
        Assert.True(boot.Compacted);
        Assert.Equal(0UL, boot.Xss.Bits);
        Assert.Equal(0UL, boot.Kernel.MaxFeatures.Bits & 0x1FD00);
    }
}
