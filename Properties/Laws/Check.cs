using FsCheck;
using System.Runtime.CompilerServices;
using FsCheck.Fluent;

namespace Xsave.Properties.Laws;

/// <summary>Small helpers so each law reads as one statement with a readable failure label.</summary>
internal static class Check
{
    private static readonly Property Held = true.ToProperty();

    /// <summary>Implementation answer equals the reference's; the label shows both (formatted only on a failure).</summary>
    public static Property Same<T>(string what, T subject, T reference) =>
        Equals(subject, reference) ? Held : false.Label($"{what}: implementation {Show(subject)} != oracle {Show(reference)}");

    /// <summary>The condition, with a label for when it does not hold (a plain string: already made).</summary>
    public static Property That(bool condition, string label) => condition ? Held : false.Label(label);

    /// <summary>The condition, with an interpolated label that is formatted only when it does not hold.</summary>
    public static Property That(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureLabel label) =>
        condition ? Held : false.Label(label.ToString());

    /// <summary>A case the law's question does not apply to, counted as such (<see cref="LawCoverage.Vacuous"/>).</summary>
    public static Property Vacuous(string reason) => true.Label(reason).Classify(true, LawCoverage.Vacuous);

    /// <summary>The property of a case that reached <paramref name="branch"/> of the law, counted.</summary>
    public static Property In(this Property property, string branch) => property.Classify(true, branch);

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
