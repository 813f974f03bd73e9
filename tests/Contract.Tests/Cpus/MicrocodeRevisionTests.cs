using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Contract.Serialization;

namespace Xsave.Contract.Tests.Cpus;

/// <summary>
/// SPEC R38a: the optional "microcode" field of a profile (corpus/cpus/README.md) reaches the CPU model, survives the
/// JSON codec, and is unknown (null) when absent; a malformed one is a diagnostic, never an exception.
/// </summary>
public class MicrocodeRevisionTests
{
    private const string Zen1 = "amd-zen-800f12"; // family 0x17 model 0x01 stepping 2: the first row of erratum_1386_microcode[]

    private static JsonObject Real() => JsonNode.Parse(File.ReadAllText(Corpus.Profile(Zen1).File!))!.AsObject();

    [Fact]
    public void Absent_IsUnknown_AndSteppingReachesTheModel()
    {
        var cpu = Assert.Single(CpuProfileLoader.Parse(Real().ToJsonString(), "t.json").Profiles).ToCpuModel();
        Assert.Null(cpu.MicrocodeRevision);
        Assert.Equal((0x17, 0x01, 2), (cpu.Family, cpu.Model, cpu.Stepping));
    }

    [Fact]
    public void Present_ReachesTheModel()
    {
        var json = Real();
        json["microcode"] = "0x0800126e";
        var cpu = Assert.Single(CpuProfileLoader.Parse(json.ToJsonString(), "t.json").Profiles).ToCpuModel();
        Assert.Equal(0x0800126eu, cpu.MicrocodeRevision);
    }

    [Theory]
    [InlineData("\"800126e\"")]
    [InlineData("\"0x1000000000\"")]
    [InlineData("134222446")]
    public void Malformed_IsADiagnosticNamingTheField(string value)
    {
        var json = Real();
        json["microcode"] = JsonNode.Parse(value);
        var result = CpuProfileLoader.Parse(json.ToJsonString(), "t.json");
        Assert.Contains(result.Errors, e => e.Field == "microcode");
    }

    [Fact]
    public void CpuModelJson_RoundTripsSteppingAndMicrocode()
    {
        var cpu = Corpus.Cpu(Zen1) with { MicrocodeRevision = 0x08301052 };
        using var doc = JsonDocument.Parse(CpuModelJson.Write(cpu).ToJsonString());
        Assert.True(CpuModelJson.TryRead(doc.RootElement, out var back, out var error), error);
        Assert.Equal(0x08301052u, back!.MicrocodeRevision);
        Assert.Equal(2, back.Stepping);

        using var unknown = JsonDocument.Parse(CpuModelJson.Write(cpu with { MicrocodeRevision = null }).ToJsonString());
        Assert.False(unknown.RootElement.TryGetProperty("microcode", out _));
        Assert.True(CpuModelJson.TryRead(unknown.RootElement, out var none, out _));
        Assert.Null(none!.MicrocodeRevision);
    }
}
