using System.Globalization;
using System.Text.Json;

namespace Xsave.Cli.Kernel;

/// <summary>One observation line of the native probe: a JSON object with a "name" and observed values.</summary>
public sealed class ProbeLine(JsonElement json)
{
    public string Name => Str("name") ?? "";

    public string? Str(string key) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public long? Int(string key) =>
        json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>A "0x.." string field as a number.</summary>
    public ulong? Hex(string key) =>
        Str(key) is { } s && s.StartsWith("0x", StringComparison.Ordinal) &&
        ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A hex byte string field ("b0b1..") as bytes.</summary>
    public byte[]? Bytes(string key) => Str(key) is { } s ? Convert.FromHexString(s) : null;

    public bool Has(string key) => json.TryGetProperty(key, out _);

    public override string ToString() => json.GetRawText();
}

/// <summary>
/// What one run of a probe group gave: its observation lines, or why the group did not complete (helper missing,
/// crash, hang, unparseable output). A failed group still carries the lines it printed before failing.
/// </summary>
public sealed record ProbeRun(string Group, IReadOnlyList<ProbeLine> Lines, string? Failure)
{
    public IEnumerable<ProbeLine> Named(string name) => Lines.Where(l => l.Name == name);

    public ProbeLine? First(string name) => Lines.FirstOrDefault(l => l.Name == name);

    /// <summary>The reason the probe gave for not running the group at all (e.g. no /dev/kvm), or null.</summary>
    public string? Unavailable => First("unavailable")?.Str("reason");
}
