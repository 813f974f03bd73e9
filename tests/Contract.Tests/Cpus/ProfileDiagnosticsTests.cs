using System.Text.Json.Nodes;

namespace Xsave.Contract.Tests.Cpus;

/// <summary>
/// Malformed and inconsistent profiles: each gets a diagnostic naming the profile, the sub-leaf or field, and the
/// problem; the loader never throws. Each case starts from a real corpus file and breaks one thing.
/// </summary>
public class ProfileDiagnosticsTests
{
    private const string Spr = "intel-sapphirerapids-806f8"; // AMX, CET, PASID, arch LBR: many sub-leaves to break

    private static JsonObject Real(string id) =>
        JsonNode.Parse(File.ReadAllText(Corpus.Profile(id).File!))!.AsObject();

    private static ProfileLoadResult Load(JsonObject profile) => CpuProfileLoader.Parse(profile.ToJsonString(), "test.json");

    private static CpuProfile LoadOne(JsonObject profile)
    {
        var result = Load(profile);
        Assert.Empty(result.Errors);
        return Assert.Single(result.Profiles);
    }

    [Fact]
    public void UnchangedRealProfile_HasNoAnomaly()
    {
        var p = LoadOne(Real(Spr));
        Assert.True(p.Clean);
        Assert.Empty(p.Anomalies);
    }

    [Fact]
    public void SupportedComponentWithoutSubLeaf_IsNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!.AsObject().Remove("17");
        var p = LoadOne(json);
        var d = Assert.Single(p.Anomalies, a => a.Code == "subleaf-missing");
        Assert.Equal(17, d.SubLeaf);
        Assert.Equal(Spr, d.ProfileId);
        Assert.Contains("AMX_TILECFG", d.Message);
        Assert.False(p.Clean);
    }

    [Fact]
    public void SupportedComponentWithZeroSubLeaf_IsNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!["9"] = new JsonArray("0x00000000", "0x00000000", "0x00000000", "0x00000000");
        var d = Assert.Single(LoadOne(json).Anomalies, a => a.Code == "subleaf-zero");
        Assert.Equal(9, d.SubLeaf);
    }

    [Fact]
    public void OverlappingStandardRegions_AreNamed()
    {
        var json = Real(Spr);
        // PKRU (9) moved into the middle of Hi16_ZMM (7: 0x680..0xA80).
        json["leaf0d"]!["9"] = new JsonArray("0x00000008", "0x00000700", "0x00000000", "0x00000000");
        var p = LoadOne(json);
        var d = Assert.Single(p.Anomalies, a => a.Code == "standard-overlap");
        Assert.Equal(9, d.SubLeaf);
        Assert.Contains("bit 7", d.Message);
    }

    [Fact]
    public void StandardRegionInsideLegacyArea_IsNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!["2"] = new JsonArray("0x00000100", "0x00000100", "0x00000000", "0x00000000");
        Assert.Contains(LoadOne(json).Anomalies, a => a.Code == "standard-overlap" && a.SubLeaf == 2 && a.Message.Contains("[0, 576)"));
    }

    [Fact]
    public void SupervisorFlagDisagreeingWithItsLeaf_IsNamed()
    {
        var json = Real(Spr);
        // CET_U is enumerated in sub-leaf 1 (IA32_XSS) but its descriptor claims user state (ECX[0] = 0).
        json["leaf0d"]!["11"] = new JsonArray("0x00000010", "0x00000000", "0x00000000", "0x00000000");
        var d = Assert.Single(LoadOne(json).Anomalies, a => a.Code == "supervisor-flag");
        Assert.Equal(11, d.SubLeaf);
        Assert.Contains("IA32_XSS", d.Message);
    }

    [Fact]
    public void UserComponentFlaggedSupervisor_IsNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!["2"] = new JsonArray("0x00000100", "0x00000240", "0x00000001", "0x00000000");
        Assert.Contains(LoadOne(json).Anomalies, a => a.Code == "supervisor-flag" && a.SubLeaf == 2);
    }

    [Fact]
    public void CetDescriptorsForUnsupportedComponents_AreNamed()
    {
        // The Centaur CNS case of corpus/cpus/README.md: CET descriptors on a CPU that supports no XSS bit.
        var json = Real("centaur-cnrisaiah-6fe");
        json["leaf0d"]!["11"] = new JsonArray("0x00000010", "0x00000000", "0x00000001", "0x00000000");
        json["leaf0d"]!["12"] = new JsonArray("0x00000018", "0x00000000", "0x00000001", "0x00000000");
        var found = LoadOne(json).Anomalies.Where(a => a.Code == "descriptor-unsupported").Select(a => a.SubLeaf).ToList();
        Assert.Equal(new int?[] { 11, 12 }, found);
    }

    [Fact]
    public void OverlappingUserAndSupervisorMasks_AreNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!["1"] = new JsonArray("0x0000001F", "0x00002A80", "0x0000DD04", "0x00000000"); // XSS claims bit 2
        json["xss_supported"] = "0xdd04";
        Assert.Contains(LoadOne(json).Anomalies, a => a.Code == "user-supervisor-overlap");
    }

    [Fact]
    public void DeclaredMaskDisagreeingWithRegisters_IsNamed()
    {
        var json = Real(Spr);
        json["xcr0_supported"] = "0x2e7";
        Assert.Contains(LoadOne(json).Anomalies, a => a.Code == "declared-mask" && a.Field == "xcr0_supported");
    }

    [Fact]
    public void WrongMaxSize_IsNamed()
    {
        var json = Real(Spr);
        json["leaf0d"]!["0"] = new JsonArray("0x000602E7", "0x00002B00", "0x00002A00", "0x00000000");
        Assert.Contains(LoadOne(json).Anomalies, a => a.Code == "max-size" && a.SubLeaf == 0);
    }

    [Theory]
    [InlineData("256")]
    [InlineData("0xZZ")]
    [InlineData("0x1234567890")]
    public void BadRegisterString_IsAnErrorNamingTheSubLeaf(string eax)
    {
        var json = Real(Spr);
        json["leaf0d"]!["12"] = new JsonArray(eax, "0x00000000", "0x00000001", "0x00000000");
        var result = Load(json);
        var error = Assert.Single(result.Errors);
        Assert.Equal(12, error.SubLeaf);
        Assert.Equal(Spr, error.ProfileId);
        Assert.Contains("not a 32-bit hex string", error.Message);
        Assert.Empty(result.Profiles);
    }

    [Fact]
    public void ShortHexRegister_IsAccepted()
    {
        var json = Real(Spr);
        json["leaf0d"]!["12"] = new JsonArray("0x18", "0x0", "0x1", "0x0");
        Assert.Equal(24, LoadOne(json).ToCpuModel().ComponentSize(12));
    }

    [Fact]
    public void SubLeafWithThreeRegisters_IsAnError()
    {
        var json = Real(Spr);
        json["leaf0d"]!["5"] = new JsonArray("0x00000040", "0x00000440", "0x00000000");
        var error = Assert.Single(Load(json).Errors);
        Assert.Equal("bad-registers", error.Code);
        Assert.Equal(5, error.SubLeaf);
    }

    [Theory]
    [InlineData("64")]
    [InlineData("x")]
    [InlineData("-1")]
    public void BadSubLeafKey_IsAnError(string key)
    {
        var json = Real(Spr);
        json["leaf0d"]![key] = new JsonArray("0x0", "0x0", "0x0", "0x0");
        var error = Assert.Single(Load(json).Errors);
        Assert.Equal("bad-subleaf", error.Code);
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("leaf0d")]
    [InlineData("source")]
    [InlineData("xcr0_supported")]
    [InlineData("clean")]
    public void MissingRequiredField_IsAnErrorNamingIt(string field)
    {
        var json = Real(Spr);
        json.Remove(field);
        var error = Assert.Single(Load(json).Errors);
        Assert.Equal("missing-field", error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void SyntaxError_NamesLineAndFile()
    {
        var text = File.ReadAllText(Corpus.Profile(Spr).File!);
        var broken = text.Replace("\"clean\": true", "\"clean\": tru", StringComparison.Ordinal);
        var error = Assert.Single(CpuProfileLoader.Parse(broken, "broken.json").Errors);
        Assert.Equal("json", error.Code);
        Assert.Equal("broken.json", error.File);
        int expectedLine = text[..text.IndexOf("\"clean\": true", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        Assert.Contains($"line {expectedLine}", error.Message);
    }

    [Fact]
    public void MissingFileAndDirectory_AreErrorsNotExceptions()
    {
        Assert.Equal("unreadable", Assert.Single(CpuProfileLoader.LoadFile("/nonexistent/x.json").Errors).Code);
        Assert.Equal("no-directory", Assert.Single(CpuProfileLoader.LoadDirectory("/nonexistent/dir").Errors).Code);
    }

    /// <summary>Every prefix of a real file, and every single-byte corruption of its first kilobyte: never throws.</summary>
    [Fact]
    public void TruncatedOrCorruptedInput_NeverThrows()
    {
        var text = File.ReadAllText(Corpus.Profile(Spr).File!);
        for (int n = 0; n < text.Length; n += 7)
            _ = CpuProfileLoader.Parse(text[..n], "t.json");
        var chars = "{}[]\",:0x-n1 ";
        for (int i = 0; i < Math.Min(1024, text.Length); i++)
            foreach (var c in chars)
                _ = CpuProfileLoader.Parse(text[..i] + c + text[(i + 1)..], "t.json");
    }

    [Fact]
    public void ArrayOfProfiles_LoadsEach()
    {
        var array = new JsonArray(Real(Spr), Real("centaur-cnrisaiah-6fe"));
        var result = CpuProfileLoader.Parse(array.ToJsonString(), "many.json");
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { Spr, "centaur-cnrisaiah-6fe" }, result.Profiles.Select(p => p.Id));
    }
}
