using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Properties;

/// <summary>
/// What one case of a law found: whether it held, the labels that explain a failure, and the branches it reached
/// (<see cref="LawCoverage"/>). The gate's case loop reads it directly; FsCheck sees it as a <see cref="Property"/>
/// (<see cref="ToProperty"/>) only when it re-runs a failing case to shrink it. Combines like FsCheck's <c>.And</c>:
/// a failure keeps its labels, branches add up.
/// </summary>
public sealed class CaseResult
{
    private static readonly string[] Nothing = [];

    private readonly string[] _labels, _stamps;

    private CaseResult(bool holds, string[] labels, string[] stamps) => (Holds, _labels, _stamps) = (holds, labels, stamps);

    /// <summary>The case held and reached no declared branch.</summary>
    public static CaseResult Held { get; } = new(true, Nothing, Nothing);

    public static CaseResult Failed(string label) => new(false, [label], Nothing);

    public static CaseResult Of(bool holds, string label) => holds ? Held : Failed(label);

    public bool Holds { get; }

    /// <summary>What the law said about the case (shown when it fails).</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>The branches the case reached (FsCheck's stamps).</summary>
    public IReadOnlyList<string> Stamps => _stamps;

    public CaseResult Label(string label) => new(Holds, [.. _labels, label], _stamps);

    /// <summary>Counts the case in <paramref name="branch"/>.</summary>
    public CaseResult In(string branch) =>
        ReferenceEquals(this, Held) ? HeldIn(branch) : new(Holds, _labels, [.. _stamps, branch]);

    // Most cases hold and reach one branch: one result per branch name, shared (results are immutable). Bounded, as
    // Collect may count arbitrary values.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, CaseResult> HeldInBranch = new();
    private static int _heldInBranchCount; // ConcurrentDictionary.Count takes every lock

    private static CaseResult HeldIn(string branch)
    {
        if (HeldInBranch.TryGetValue(branch, out var known)) return known;
        var made = new CaseResult(true, Nothing, [branch]);
        if (Volatile.Read(ref _heldInBranchCount) >= 1024 || !HeldInBranch.TryAdd(branch, made)) return made;
        Interlocked.Increment(ref _heldInBranchCount);
        return made;
    }

    /// <summary>Counts the case under a value (FsCheck's Collect).</summary>
    public CaseResult Collect(string value) => In(value);

    /// <summary>Both hold; of two failures both labels are kept (FsCheck's conjunction).</summary>
    public CaseResult And(CaseResult other) => (Holds, other.Holds) switch
    {
        (true, true) when other._stamps.Length == 0 => this,
        (true, true) when _stamps.Length == 0 => other,
        (true, true) => new(true, _labels, [.. _stamps, .. other._stamps]),
        (false, false) => new(false, [.. _labels, .. other._labels], _stamps),
        (false, true) => this,
        (true, false) => other,
    };

    /// <summary>The same verdict as an FsCheck property, for the runner that shrinks failures.</summary>
    public Property ToProperty()
    {
        var property = Holds.ToProperty();
        foreach (var label in _labels) property = property.Label(label);
        foreach (var stamp in _stamps) property = property.Classify(true, stamp);
        return property;
    }

    public override string ToString() => (Holds ? "held" : "failed: " + string.Join("; ", _labels)) +
        (_stamps.Length == 0 ? "" : " [" + string.Join(", ", _stamps) + "]");
}
