using System.Text.Json.Serialization;
using Xsave.Contract.Cpus;

namespace Xsave.Cli.Reports;

/// <summary>One corpus profile as 'cpus' lists it. Anomalies are the loader's findings (SPEC R7), one line each.</summary>
public sealed record CpuEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("xcr0_supported")] string Xcr0Supported,
    [property: JsonPropertyName("xss_supported")] string XssSupported,
    [property: JsonPropertyName("clean")] bool Clean,
    [property: JsonPropertyName("anomalies")] IReadOnlyList<string> Anomalies)
{
    /// <summary>The short codes of the anomalies, for the table (not part of the JSON).</summary>
    [JsonIgnore] public IReadOnlyList<string> AnomalyCodes { get; init; } = [];
}

/// <summary>The answer of the 'cpus' verb: the corpus's profiles in id order and the files that failed to load.</summary>
public sealed record CpuListing(
    [property: JsonPropertyName("corpus")] string Corpus,
    [property: JsonPropertyName("profiles")] IReadOnlyList<CpuEntry> Profiles,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors)
{
    public static CpuListing Build(CpuCorpus corpus) => new(
        corpus.Directory,
        corpus.Profiles.Select(p =>
        {
            // The CPU's own registers, not the curator's copy of them (they differ only in anomalous profiles).
            var cpu = p.ToCpuModel();
            return new CpuEntry(p.Id, p.Name, cpu.SupportedXcr0.ToHex(), cpu.SupportedXss.ToHex(), p.Clean,
                p.Anomalies.Select(a => $"{a.Code}: {a.Message}").ToList())
            {
                AnomalyCodes = p.Anomalies.Select(a => a.Code).Distinct().ToList(),
            };
        }).ToList(),
        corpus.Problems);
}
