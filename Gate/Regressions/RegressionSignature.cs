using System.Text.RegularExpressions;

namespace Xsave.Gate.Regressions;

/// <summary>
/// What makes two failures "the same bug" although shrinking landed on different inputs: the property, the
/// implementation, and what went wrong — the paths of the answer fields that differ from the oracle's, or, for a law
/// without a structured answer, its failure message with every number blanked ("component # at # is not #-byte
/// aligned"). Inputs are deliberately not part of it: that is what varies from run to run.
/// </summary>
public static partial class RegressionSignature
{
    /// <summary>The signature, or null when the record says too little to compare (no answer and no message).</summary>
    public static string? Of(RegressionRecord r)
    {
        string? what;
        if (r.Observed is not null || r.Expected is not null)
        {
            var differing = JsonFieldDiff.Compare(r.Expected, r.Observed).Where(f => f.Differs).Select(f => Numbers().Replace(f.Path, "#"));
            what = "fields " + string.Join(",", differing.Distinct().Order(StringComparer.Ordinal));
        }
        else what = r.Failure is null ? null : "message " + Numbers().Replace(r.Failure, "#");
        return what is null ? null : $"{r.Property}|{r.Implementation}|{what}";
    }

    /// <summary>Decimal and hex numbers (array indices in field paths too).</summary>
    [GeneratedRegex(@"0x[0-9a-fA-F]+|\d+")]
    private static partial Regex Numbers();
}
