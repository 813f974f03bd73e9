using Xsave.Cli.Kernel;
using Xsave.Contract;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>CPUID feature flags against leaf 0xD (issue 13; docs/findings.md F9): values as QEMU 7.2 reports them.</summary>
public class CpuidConsistencyTests
{
    // QEMU 7.2 -cpu Skylake-Server: (0xD,0).EAX = 0x2e7 while TCG filtered AVX512F (the probe's cpu group).
    private static CpuModel Cpu(uint xcr0, CpuFeatureFlags flags) => new()
    {
        Id = "t",
        Leaf0D = new Dictionary<int, CpuidRegs> { [0] = new(xcr0, 0xA88, 0xA88, 0), [1] = new(0x5, 0, 0, 0) },
        Flags = flags,
    };

    private static KernelCheck Row(CpuModel cpu, string flag) =>
        CpuidConsistency.Run(cpu).Single(c => c.Name.StartsWith(flag, StringComparison.Ordinal));

    [Fact]
    public void A_flag_without_its_components_disagrees()
    {
        var cpu = Cpu(0x207, new CpuFeatureFlags { Xsave = true, Avx = true, Avx512F = true, Pku = true });
        var row = Row(cpu, "AVX512F");
        Assert.Equal(CheckResult.Disagree, row.Result);
        Assert.Equal("0xe6", row.Expected);
        Assert.Equal("0x6", row.Observed);
    }

    [Fact]
    public void Components_without_their_flag_are_reported_skipped_with_the_rule_that_allows_them()
    {
        var cpu = Cpu(0x2E7, new CpuFeatureFlags { Xsave = true, Avx = true, Pku = true, Ospke = true });
        var row = Row(cpu, "AVX512F");
        Assert.Equal(CheckResult.Skipped, row.Result);
        Assert.Contains("R37", row.Reason);
        Assert.Equal("0xe0", row.Observed);
        Assert.Equal(CheckResult.Agree, Row(cpu, "AVX (").Result);
        Assert.Equal(CheckResult.Agree, Row(cpu, "PKU").Result);
    }

    [Fact]
    public void Xss_bits_without_xsaves_and_ospke_without_pku_disagree()
    {
        var cpu = new CpuModel
        {
            Id = "t",
            Leaf0D = new Dictionary<int, CpuidRegs> { [0] = new(0x3, 0x240, 0x240, 0), [1] = new(0x1, 0, 0x800, 0) },
            Flags = new CpuFeatureFlags { Xsave = true, Ospke = true },
        };
        var rows = CpuidConsistency.Run(cpu).ToList();
        Assert.Equal(CheckResult.Disagree, rows.Single(c => c.Name.StartsWith("IA32_XSS bits", StringComparison.Ordinal)).Result);
        Assert.Equal(CheckResult.Disagree, rows.Single(c => c.Name.StartsWith("OSPKE", StringComparison.Ordinal)).Result);
    }
}
