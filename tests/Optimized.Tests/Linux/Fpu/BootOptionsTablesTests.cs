using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.World;

namespace Xsave.Optimized.Tests.Linux.Fpu;

/// <summary>
/// cpu_parse_early_param (noxsaves, noxsaveopt, clearcpuid=) through setup_clear_cpu_cap's cpuid-deps closure, and the
/// boot that dies at XSETBV (SPEC F3), on the Sapphire Rapids dump; sizes by hand from its leaf 0xD (see Hosts).
/// </summary>
public class BootOptionsTablesTests
{
    private static BootTables Spr(KernelConfig config) => Hosts.Corpus(Hosts.SapphireRapids, config);

    private static CpuModel SprWithoutXfd()
    {
        var spr = TestSupport.Corpus.Cpu(Hosts.SapphireRapids);
        var leaf = spr.Leaf0D.ToDictionary(kv => kv.Key, kv => kv.Value);
        leaf[1] = leaf[1] with { Eax = leaf[1].Eax & ~16u };
        leaf[18] = leaf[18] with { Ecx = leaf[18].Ecx & ~4u };
        return spr with { Id = "spr-no-xfd", Leaf0D = leaf };
    }

    [Fact]
    public void ClearcpuidAvx_AlsoClearsAvx512()
    {
        var b = Spr(KernelConfig.Default with { ClearCpuid = CpuidFlags.Avx });
        Assert.Equal(0x60203UL, b.Xcr0);
        Assert.False(b.Has(CpuCaps.Avx512F));
        // PKRU 576, PASID 584, CET_U 592, CET_S 608..632, TILECFG 640..704, TILEDATA 704..8896.
        Assert.Equal(8896u, b.Kernel.MaxSize);
    }

    [Fact]
    public void ClearcpuidXfdByNumber_TakesAmxAway()
    {
        // X86_FEATURE_XFD has no /proc/cpuinfo name: clearcpuid=324 (10*32+4).
        Assert.True(CpuidFlagNames.TryParse("324", out var xfd));
        var b = Spr(KernelConfig.Default with { ClearCpuid = xfd });
        Assert.False(b.Has(CpuCaps.AmxTile));
        Assert.Equal(0x2e7UL, b.Xcr0);
        Assert.False(b.DynamicSizing);
    }

    [Fact]
    public void Noxsaves_CompactsThroughXsavec()
    {
        var b = Spr(KernelConfig.Default with { NoXsaves = true });
        Assert.True(b.Compacted);
        Assert.Equal(0UL, b.Xss);
        Assert.Equal(0x2e7UL, b.Kernel.MaxFeatures);
        Assert.Equal(2440u, b.Kernel.MaxSize);
    }

    [Fact]
    public void AmxWithoutXfd_DiesAtXsetbv_AndHasNoUserSpace()
    {
        var k = new OptimizedKernel(SprWithoutXfd(), KernelConfig.Default);
        Assert.True(k.Boot.Failed);
        Assert.Equal(0x202e7UL, k.Boot.Xcr0.Bits);
        Assert.Empty(k.Snapshot()!.Processes);
        Assert.Throws<InvalidOperationException>(() => k.Apply(new ForkOp(1)));

        var workaround = new OptimizedKernel(SprWithoutXfd(), KernelConfig.Default with { ClearCpuid = CpuidFlags.AmxTile });
        Assert.False(workaround.Boot.Failed);
        Assert.Equal(0x2e7UL, workaround.Boot.Xcr0.Bits);
    }
}
