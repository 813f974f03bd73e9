using Xsave.Properties;

namespace Xsave.Gate.Regressions;

/// <summary>
/// A regression file made ready to run: the record, the law it names (found in the catalogue) and its input decoded
/// by that law's codec. Loading never throws: an unknown property or an input that does not decode is an error.
/// </summary>
public sealed record RegressionCase(string File, RegressionRecord Record, ConformanceProperty Property, object Input)
{
    public string FileName => Path.GetFileName(File);

    public static bool TryLoad(string path, out RegressionCase? loaded, out GateError? error) =>
        TryLoad(path, Catalog.All, out loaded, out error);

    public static bool TryLoad(string path, IReadOnlyList<ConformanceProperty> catalogue, out RegressionCase? loaded, out GateError? error)
    {
        loaded = null;
        if (!RegressionFile.TryRead(path, out var record, out error)) return false;
        var property = catalogue.FirstOrDefault(p => p.Name == record!.Property);
        if (property is null)
        {
            error = new GateError($"unknown property '{record!.Property}' (not in this tool's catalogue)", path);
            return false;
        }
        using var doc = System.Text.Json.JsonDocument.Parse(record!.Input.ToJsonString());
        bool decoded;
        object? input;
        string? reason;
        try
        {
            decoded = property.TryDecodeInput(doc.RootElement, out input, out reason);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or System.Text.Json.JsonException or ArgumentException)
        {
            // A codec should report, not throw; if one does, it is still this file's bad input.
            (decoded, input, reason) = (false, null, e.Message);
        }
        if (!decoded || input is null)
        {
            error = new GateError($"input does not decode for property '{property.Name}': {reason ?? "no value"}", path);
            return false;
        }
        loaded = new RegressionCase(path, record, property, input);
        return true;
    }
}
