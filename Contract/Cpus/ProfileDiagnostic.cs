namespace Xsave.Contract.Cpus;

public enum DiagnosticSeverity
{
    /// <summary>The profile is unusable: it is left out and the diagnostic says why.</summary>
    Error,
    /// <summary>The profile loads but its enumeration is inconsistent (an anomaly, SPEC R7): it is not clean.</summary>
    Anomaly,
    /// <summary>A fact worth knowing that does not make the profile inconsistent.</summary>
    Note,
}

/// <summary>
/// One finding of the profile loader: which profile, where in it (file, field, CPUID sub-leaf), what is wrong.
/// </summary>
/// <param name="Code">Stable short code, e.g. "json", "missing-field", "subleaf-missing", "supervisor-flag".</param>
public sealed record ProfileDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    string Message,
    string? ProfileId = null,
    string? File = null,
    string? Field = null,
    int? SubLeaf = null)
{
    /// <summary>One line for people: "file: profile id: leaf 0xD.12: message".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (File is not null) parts.Add(File);
        if (ProfileId is not null) parts.Add($"profile '{ProfileId}'");
        if (SubLeaf is not null) parts.Add($"CPUID.(0xD,{SubLeaf})");
        if (Field is not null && SubLeaf is null) parts.Add($"field '{Field}'");
        var where = parts.Count == 0 ? "" : string.Join(": ", parts) + ": ";
        var level = Severity switch { DiagnosticSeverity.Error => "error", DiagnosticSeverity.Anomaly => "anomaly", _ => "note" };
        return $"{where}{level} [{Code}]: {Message}";
    }
}
