using System.Text.Json.Serialization;
using Xsave.Gate.Mutation;

namespace Xsave.Cli.Reports;

/// <summary>
/// The mutants verb's JSON: one entry per mutant. <c>caught</c> only when <c>caught_in == seeds</c>; <c>property</c>
/// the law that caught it most often; <c>cases</c>, <c>seconds</c> and the shrunk sizes are medians over the seeds that
/// caught it (null when none did). <c>shrunk_size</c> counts events (kernel operations and guest exits; an
/// architecture case is one), <c>shrunk_components</c> the XSAVE components of the counterexample.
/// </summary>
public sealed record MutantsJson(
    [property: JsonPropertyName("seeds")] int Seeds,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("mutants")] IReadOnlyList<MutantJson> Mutants,
    [property: JsonPropertyName("summary")] MutantsSummaryJson Summary)
{
    public static MutantsJson From(MutationReport report) => new(
        report.Seeds.Count,
        Math.Round(report.Elapsed.TotalSeconds, 2),
        report.Mutants.Select(m => new MutantJson(m.Mutant.Id, m.Mutant.Description, m.Mutant.Source, m.Caught, m.SeedsAsked,
            m.CaughtIn, m.Property, m.MedianCases, Round(m.MedianSeconds), m.MedianShrunkEvents, m.MedianShrunkComponents)).ToList(),
        new MutantsSummaryJson(report.Mutants.Count, report.Caught, report.Cancelled));

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}

public sealed record MutantJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("caught")] bool Caught,
    [property: JsonPropertyName("seeds")] int Seeds,
    [property: JsonPropertyName("caught_in")] int CaughtIn,
    [property: JsonPropertyName("property")] string? Property,
    [property: JsonPropertyName("cases")] double? Cases,
    [property: JsonPropertyName("seconds")] double? Seconds,
    [property: JsonPropertyName("shrunk_size")] double? ShrunkSize,
    [property: JsonPropertyName("shrunk_components")] double? ShrunkComponents);

public sealed record MutantsSummaryJson(
    [property: JsonPropertyName("mutants")] int Mutants,
    [property: JsonPropertyName("caught")] int Caught,
    [property: JsonPropertyName("cancelled")] bool Cancelled);
