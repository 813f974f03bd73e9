namespace Xsave.Oracle.Tests.Architecture;

/// <summary>R3: standard offsets as the oracle lays them out from real dumps (R5/R6 decoding is in Contract.Tests).</summary>
public class CpuidDecodingTests
{
    [Fact]
    public void R3_StandardOffsets_AreVendorSpecific()
    {
        // corpus/cpus/README.md: Zen 4/5 AVX-512 at 832/896/1408, PKRU 2432; Intel 1088/1152/1664, PKRU 2688;
        // Zen 2 enumerates PKRU as 64 bytes at 832.
        var intel = Corpus.Cpu("intel-sapphirerapids-806f8");
        var zen4 = Corpus.Profiles.First(p => p.Clean && p.Category!.StartsWith("amd-zen4", StringComparison.Ordinal)).ToCpuModel();
        Assert.Equal(1088, StandardLayout.For(intel, intel.SupportedXcr0).Find(5)!.Value.Offset);
        Assert.Equal(832, StandardLayout.For(zen4, zen4.SupportedXcr0).Find(5)!.Value.Offset);
        var zen2 = Corpus.Profiles.Where(p => p.Clean && p.Category!.StartsWith("amd-zen2", StringComparison.Ordinal))
            .Select(p => p.ToCpuModel()).First(c => c.SupportedXcr0.Contains(XFeature.Pkru));
        Assert.Equal(new Contract.Layouts.ComponentPlacement(9, 832, 64), StandardLayout.For(zen2, zen2.SupportedXcr0).Find(9));
    }
}
