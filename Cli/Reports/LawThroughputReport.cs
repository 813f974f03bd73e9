using System.Text.Json.Serialization;
using Xsave.Properties.Running;

namespace Xsave.Cli.Reports;

/// <summary>
/// 'bench --laws --json': {"implementation", "baseline": {"name", "cases_per_s"}, "families": [{"family",
/// "cases_per_s", "ratio", "target", "met"}], "laws": [{"name", "family", "cases", "cases_per_s", "baseline_cases_per_s",
/// "ratio"}]}. A law's ratio is its cases/s over the baseline's measured in rounds interleaved with it (the same load),
/// or over the run's baseline when it has none (issue 16's targets: architecture ≥ 1, kernel ≥ 0.12; null where it
/// sets none). A family's rate is the harmonic mean of its laws' rates, and its ratio the harmonic mean of their
/// ratios: the rate at which the gate, which runs the same number of cases of every law, gets through that family
/// (each law is measured for a time, so a plain sum of cases over time would weight the fast laws by how many cases
/// fit in it).
/// </summary>
public sealed record LawThroughputReport(
    [property: JsonPropertyName("implementation")] string Implementation,
    [property: JsonPropertyName("baseline")] LawRateJson Baseline,
    [property: JsonPropertyName("families")] IReadOnlyList<FamilyRateJson> Families,
    [property: JsonPropertyName("laws")] IReadOnlyList<LawRateJson> Laws)
{
    public static LawThroughputReport Build(string implementation, LawRate trivial, IReadOnlyList<LawRate> laws)
    {
        double BaselineOf(LawRate r) => (r.Baseline ?? trivial).CasesPerSecond;
        double RatioOf(LawRate r) => r.CasesPerSecond / BaselineOf(r);
        LawRateJson Json(LawRate r) => new(r.Name, r.Family, r.Cases, Math.Round(r.CasesPerSecond), Math.Round(BaselineOf(r)), Math.Round(RatioOf(r), 3));
        var families = laws.GroupBy(l => l.Family).Select(g =>
        {
            double rate = g.Count() / g.Sum(l => 1 / Math.Max(l.CasesPerSecond, 1e-9));
            double ratio = Math.Round(g.Count() / g.Sum(l => 1 / Math.Max(RatioOf(l), 1e-12)), 3);
            var target = LawThroughput.Target(g.Key);
            return new FamilyRateJson(g.Key, Math.Round(rate), ratio, target, target is { } t ? ratio >= t : null);
        }).ToList();
        return new(implementation, Json(trivial), families, laws.Select(Json).ToList());
    }
}

public sealed record LawRateJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("cases")] int Cases,
    [property: JsonPropertyName("cases_per_s")] double CasesPerSecond,
    [property: JsonPropertyName("baseline_cases_per_s")] double BaselineCasesPerSecond,
    [property: JsonPropertyName("ratio")] double Ratio);

public sealed record FamilyRateJson(
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("cases_per_s")] double CasesPerSecond,
    [property: JsonPropertyName("ratio")] double Ratio,
    [property: JsonPropertyName("target")] double? Target,
    [property: JsonPropertyName("met")] bool? Met);
