using System.Runtime.CompilerServices;

namespace Xsave.Properties.Laws;

/// <summary>Small helpers so each law reads as one statement with a readable failure label.</summary>
internal static class Check
{
    /// <summary>Implementation answer equals the reference's; the label shows both (formatted only on a failure).</summary>
    public static CaseResult Same<T>(string what, T subject, T reference) =>
        Equals(subject, reference) ? CaseResult.Held : CaseResult.Failed($"{what}: implementation {Show(subject)} != oracle {Show(reference)}");

    /// <summary>The condition, with a label for when it does not hold (a plain string: already made).</summary>
    public static CaseResult That(bool condition, string label) => condition ? CaseResult.Held : CaseResult.Failed(label);

    /// <summary>The condition, with an interpolated label that is formatted only when it does not hold.</summary>
    public static CaseResult That(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureLabel label) =>
        condition ? CaseResult.Held : CaseResult.Failed(label.ToString());

    /// <summary>A case the law's question does not apply to, counted as such (<see cref="LawCoverage.Vacuous"/>).</summary>
    public static CaseResult Vacuous(string reason) => CaseResult.Held.Label(reason).In(LawCoverage.Vacuous);

    /// <summary>Values for labels: primitives as themselves, records and lists as compact JSON (a record's own
    /// ToString would print its lists as "List`1").</summary>
    public static string Show<T>(T value) => value switch
    {
        null => "null",
        string or int or long or uint or ulong or bool => value.ToString() ?? "",
        Xsave.Contract.FeatureMask m => m.ToHex(),
        _ => System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), Differential.Json),
    };
}
