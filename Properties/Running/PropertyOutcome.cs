using Xsave.Properties.Comparison;

namespace Xsave.Properties.Running;

/// <summary>
/// The result of running one property: enough to report it, replay it and store it. <see cref="Original"/> and
/// <see cref="Shrunk"/> are the counterexample's arguments as FsCheck printed them and as objects (for regression
/// files); the replay triple (seed, gamma, size) re-runs exactly the failing case.
/// </summary>
public sealed record PropertyOutcome(
    string Name,
    Verdict Verdict,
    int Cases,
    int Shrinks,
    TimeSpan Elapsed,
    string? Reason = null,
    IReadOnlyList<object>? Original = null,
    IReadOnlyList<object>? Shrunk = null,
    string? Message = null,
    ulong? ReplaySeed = null,
    ulong? ReplayGamma = null,
    int? ReplaySize = null,
    string? Stack = null,
    IReadOnlyDictionary<string, int>? Branches = null)
{
    public string Describe()
    {
        if (!Verdict.Fails() || Original is null) return $"{Name}: {Verdict} ({Cases} cases){(Reason is null ? "" : ": " + Reason)}";
        return $"""
            {Name}: FAILED after {Cases} cases ({Shrinks} shrinks)
            {Message}
            original: {string.Join(", ", Original ?? [])}
            shrunk:   {string.Join(", ", Shrunk ?? [])}
            replay:   seed={ReplaySeed},gamma={ReplayGamma},size={ReplaySize}
            """;
    }
}
