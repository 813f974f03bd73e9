namespace Xsave.Contract.Tests.Cpus;

/// <summary>The corpus as a whole: everything loads, and the loader's findings match the curator's own analysis.</summary>
public class CorpusLoaderTests
{
    [Fact]
    public void Corpus_Loads176ProfilesWithoutErrors()
    {
        var result = Corpus.Load();
        Assert.Empty(result.Errors);
        Assert.Equal(176, result.Profiles.Count);
    }

    [Fact]
    public void EveryProfile_KeepsItsProvenance()
    {
        foreach (var p in Corpus.Profiles)
        {
            Assert.True(p.Source.TryGetProperty("url", out var url), p.Id);
            Assert.StartsWith("https://", url.GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ProfileFileName_IsItsId()
    {
        foreach (var p in Corpus.Profiles)
            Assert.Equal(p.Id + ".json", Path.GetFileName(p.File));
    }

    /// <summary>Clean (curator) and clean (loader: no anomaly found) agree on every real profile.</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void LoaderAnomalies_ExactlyWhereTheCuratorFoundThem(string id)
    {
        var p = Corpus.Profile(id);
        Assert.Equal(p.DeclaredClean, !p.Anomalies.Any());
    }

    /// <summary>
    /// The curator's "E-missing: bit N" / "E-zero: bit N" / "H:" codes name the same sub-leaves the loader reports as
    /// subleaf-missing / subleaf-zero / hypervisor.
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void LoaderNamesTheSameSubLeavesAsTheCurator(string id)
    {
        var p = Corpus.Profile(id);
        static IEnumerable<int> Bits(IEnumerable<string> declared, string prefix) => declared
            .Where(a => a.StartsWith(prefix, StringComparison.Ordinal))
            .Select(a => int.Parse(System.Text.RegularExpressions.Regex.Match(a, @"bit (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Bits(p.DeclaredAnomalies, "E-missing:").Order(),
            p.Anomalies.Where(f => f.Code == "subleaf-missing").Select(f => f.SubLeaf!.Value).Order());
        Assert.Equal(Bits(p.DeclaredAnomalies, "E-zero:").Order(),
            p.Anomalies.Where(f => f.Code == "subleaf-zero").Select(f => f.SubLeaf!.Value).Order());
        Assert.Equal(p.DeclaredAnomalies.Any(a => a.StartsWith("H:", StringComparison.Ordinal)),
            p.Anomalies.Any(f => f.Code == "hypervisor"));
    }

    /// <summary>The flags decoded from the raw leaf 1/7 registers agree with the curator's decoded flags.</summary>
    [SkippableTheory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void DecodedFlags_AgreeWithTheCuratorsDecoding(string id)
    {
        var p = Corpus.Profile(id);
        Skip.IfNot(p.FlagsFromDump, $"{id}: a transcribed profile has no raw leaf 1/7 registers to decode");
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(p.File!)).RootElement;
        bool Curated(string obj, string name) => json.GetProperty(obj).GetProperty(name).GetBoolean();
        Assert.Equal(Curated("leaf1_flags", "xsave"), p.Flags.Xsave);
        Assert.Equal(Curated("leaf1_flags", "avx"), p.Flags.Avx);
        Assert.Equal(Curated("leaf1_flags", "hypervisor"), p.Flags.Hypervisor);
        Assert.Equal(Curated("leaf7_flags", "mpx"), p.Flags.Mpx);
        Assert.Equal(Curated("leaf7_flags", "avx512f"), p.Flags.Avx512F);
        Assert.Equal(Curated("leaf7_flags", "intel_pt"), p.Flags.IntelPt);
        Assert.Equal(Curated("leaf7_flags", "pku"), p.Flags.Pku);
        Assert.Equal(Curated("leaf7_flags", "ospke"), p.Flags.Ospke);
        Assert.Equal(Curated("leaf7_flags", "cet_ss"), p.Flags.Shstk);
        Assert.Equal(Curated("leaf7_flags", "cet_ibt"), p.Flags.Ibt);
        Assert.Equal(Curated("leaf7_flags", "uintr"), p.Flags.Uintr);
        Assert.Equal(Curated("leaf7_flags", "arch_lbr"), p.Flags.ArchLbr);
        Assert.Equal(Curated("leaf7_flags", "amx_tile"), p.Flags.AmxTile);
        if (json.GetProperty("leaf7_flags").TryGetProperty("apx_f", out var apx))
            Assert.Equal(apx.GetBoolean(), p.Flags.Apx);
    }
}
