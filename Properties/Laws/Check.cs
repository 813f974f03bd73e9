using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Properties.Laws;

/// <summary>Small helpers so each law reads as one statement with a readable failure label.</summary>
internal static class Check
{
    /// <summary>Implementation answer equals the reference's; the label shows both.</summary>
    public static Property Same<T>(string what, T subject, T reference) =>
        Equals(subject, reference).Label($"{what}: implementation {Show(subject)} != oracle {Show(reference)}");

    public static Property That(bool condition, string label) => condition.Label(label);

    public static string Show<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };
}
