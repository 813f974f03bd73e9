namespace Xsave.Properties;

/// <summary>
/// What a law exists for, so that a run can say whether it got there: the branches it classifies its cases into
/// (FsCheck Classify names) and the largest share of vacuous cases (inputs the law's question does not apply to) it
/// tolerates. A passing law whose declared branch was never reached, or that was mostly vacuous, has checked too
/// little: the gate reports it as a harness error (issue 16), with the counts.
/// </summary>
/// <param name="Branches">Every branch that must be reached at least once in the default budget.</param>
/// <param name="MaxVacuousShare">The largest tolerated share of cases classified <see cref="Vacuous"/>.</param>
public sealed record LawCoverage(IReadOnlyList<string> Branches, double MaxVacuousShare = 1.0)
{
    /// <summary>The classification of a case the law's question does not apply to.</summary>
    public const string Vacuous = "vacuous";

    /// <summary>Cases a run needs before its counts can judge the law: the default budget.</summary>
    public const int MinimumCases = 100;

    /// <summary>Why the counts fall short of this declaration, or null when they do not.</summary>
    public string? Shortfall(IReadOnlyDictionary<string, int> counts, int cases)
    {
        var missing = Branches.Where(b => counts.GetValueOrDefault(b) == 0).ToList();
        if (missing.Count > 0) return $"declared branch{(missing.Count == 1 ? "" : "es")} never reached in {cases} cases: {string.Join(", ", missing)}";
        double share = cases == 0 ? 0 : (double)counts.GetValueOrDefault(Vacuous) / cases;
        return share > MaxVacuousShare
            ? $"{share:P0} of {cases} cases were vacuous (bound {MaxVacuousShare:P0})"
            : null;
    }
}
