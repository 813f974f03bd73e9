using System.Text.Json.Nodes;

namespace Xsave.Gate.Regressions;

/// <summary>FsCheck's replay triple for the failing step: kept for reference (it replays only while the generators stay the same).</summary>
public sealed record ReplayTriple(ulong Seed, ulong Gamma, int Size);

/// <summary>
/// One stored counterexample (format <see cref="RegressionFile.CurrentVersion"/>): which law failed against which
/// implementation, how it was found, the shrunk input in the law's own JSON form (authoritative: replay decodes it),
/// and what the implementation answered next to what was expected. Only <see cref="Property"/> and
/// <see cref="Input"/> are required, so a person can write one by hand.
/// </summary>
public sealed record RegressionRecord
{
    public required string Property { get; init; }

    /// <summary>The law's input as its codec writes it (ConformanceProperty.EncodeInput).</summary>
    public required JsonNode Input { get; init; }

    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>The implementation the failure was found in, e.g. "mutant:h13-unaligned-compacted".</summary>
    public string? Implementation { get; init; }

    /// <summary>The reference it was compared with (always "oracle" for files the gate writes).</summary>
    public string? Reference { get; init; }

    /// <summary>--seed of the run that found it.</summary>
    public ulong? RunSeed { get; init; }

    /// <summary>The seed of the round that failed (<see cref="Selection.SeedDerivation"/>).</summary>
    public ulong? PropertySeed { get; init; }

    public int? Round { get; init; }

    /// <summary>FsCheck's size parameter at the failing case.</summary>
    public int? Size { get; init; }

    public int? Cases { get; init; }

    public int? Shrinks { get; init; }

    public ReplayTriple? Replay { get; init; }

    /// <summary>The shrunk input as the law prints it, for people.</summary>
    public string? InputText { get; init; }

    /// <summary>The input before shrinking, as the law prints it.</summary>
    public string? OriginalText { get; init; }

    /// <summary>The property's failure label and message.</summary>
    public string? Failure { get; init; }

    /// <summary>The implementation's answer (ConformanceProperty.Observe), null when the law has no structured answer.</summary>
    public JsonNode? Observed { get; init; }

    /// <summary>The oracle's answer, or the relation that had to hold.</summary>
    public JsonNode? Expected { get; init; }

    public DateTimeOffset? Date { get; init; }

    /// <summary>Name and version of the tool that wrote the file.</summary>
    public string? Tool { get; init; }

    /// <summary>The canonical text of <see cref="Input"/>: equal for the same case, whoever wrote the file.</summary>
    public string CanonicalInput => CanonicalJson.Write(Input);
}
