namespace Xsave.Oracle.Tests.Linux.Fpu;

/// <summary>H20 / R42: a CPUID size that disagrees with the kernel's structure only WARNs; XSAVE stays in use.</summary>
public class BootWarningTests
{
    [Fact]
    public void StructSizeMismatch_WarnsAndContinues_R42_H20()
    {
        var spr = Corpus.Cpu("intel-sapphirerapids-806f8");
        var leaf = spr.Leaf0D.ToDictionary(kv => kv.Key, kv => kv.Value);
        leaf[9] = leaf[9] with { Eax = 16 };   // PKRU enumerated as 16 bytes; struct pkru is 8 (R1)
        var boot = FpuBoot.Run(spr with { Leaf0D = leaf }, KernelConfig.Default);
        Assert.True(boot.XsaveEnabled);
        Assert.Contains(boot.KernelLog, line => line.StartsWith("WARNING", StringComparison.Ordinal) && line.Contains("16 bytes"));
    }
}
