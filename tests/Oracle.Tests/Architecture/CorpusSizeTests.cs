namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// The size rules (R14, R15) against real measurements: every number compared here is a register value of a real
/// CPUID dump in corpus/cpus.
/// </summary>
public class CorpusSizeTests
{
    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void StandardSize_OfSupportedUserSet_EqualsSubLeaf0Ecx(string id)
    {
        var cpu = Corpus.Cpu(id);
        // R4: sub-leaf 0 ECX is the standard size if every supported XCR0 bit were enabled.
        Assert.Equal((int)cpu.SubLeaf(0).Ecx, StandardLayout.Size(cpu, cpu.SupportedXcr0));
    }

    [Theory]
    [MemberData(nameof(Corpus.CleanIds), MemberType = typeof(Corpus))]
    public void SomeLegalEnabledPair_ReproducesBothEbxMeasurements(string id)
    {
        var cpu = Corpus.Cpu(id);
        var explained = DumpReproduction.Explain(cpu);
        Assert.True(explained.Reproduced,
            $"no legal (XCR0, XSS) gives standard size 0x{cpu.SubLeaf(0).Ebx:x} and compacted size 0x{cpu.SubLeaf(1).Ebx:x}");
        foreach (var pair in explained.Pairs)
        {
            // Each pair the oracle names really is legal and really reproduces the dump.
            Assert.True(Xcr0Rules.Check(cpu, pair.Xcr0).Valid);
            Assert.True(pair.Xss.IsSubsetOf(cpu.SupportedXss));
            Assert.Equal((int)cpu.SubLeaf(0).Ebx, StandardLayout.Size(cpu, pair.Xcr0));
            if (cpu.SubLeaf(1).Ebx != 0)
                Assert.Equal((int)cpu.SubLeaf(1).Ebx, CompactedLayout.Size(cpu, pair.Xcr0 | pair.Xss));
        }
    }

    /// <summary>
    /// The corpus curator analysed every dump independently: "A?" marks a profile whose supported components do not
    /// end at ECX, "S?"/"B?" one where no legal enabled set reproduces EBX. The oracle must agree on every profile.
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void Explain_AgreesWithTheCuratorsAnalysis(string id)
    {
        var profile = Corpus.Profile(id);
        var explained = DumpReproduction.Explain(profile.ToCpuModel());
        bool curatorMaxMismatch = profile.DeclaredAnomalies.Any(a => a.StartsWith("A?", StringComparison.Ordinal));
        bool curatorUnreproduced = profile.DeclaredAnomalies.Any(a => a.StartsWith("S?", StringComparison.Ordinal) || a.StartsWith("B?", StringComparison.Ordinal));
        Assert.Equal(curatorMaxMismatch, !explained.MaxSizeMatches);
        Assert.Equal(curatorUnreproduced, !explained.Reproduced);
    }
}
