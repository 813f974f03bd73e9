using System.Text.Json;

namespace Xsave.Contract.Cpus;

/// <summary>
/// One real processor's CPUID enumeration as stored in corpus/cpus (schema: corpus/cpus/README.md), with its provenance.
/// </summary>
public sealed record CpuProfile
{
    public required string Id { get; init; }
    public required string Vendor { get; init; }
    public string Name { get; init; } = "";
    public string? Codename { get; init; }
    public string? Category { get; init; }
    public int Family { get; init; }
    public int Model { get; init; }
    public int Stepping { get; init; }

    /// <summary>The microcode revision of the dumped CPU, when recorded ("microcode"); null = unknown (R38a).</summary>
    public uint? MicrocodeRevision { get; init; }

    /// <summary>Where the numbers come from (repository, commit, path, line, url...), kept verbatim.</summary>
    public required JsonElement Source { get; init; }

    public required IReadOnlyDictionary<int, CpuidRegs> Leaf0D { get; init; }
    public CpuidRegs? Leaf1 { get; init; }
    public IReadOnlyDictionary<int, CpuidRegs> Leaf7 { get; init; } = new Dictionary<int, CpuidRegs>();
    public required CpuFeatureFlags Flags { get; init; }

    /// <summary>Whether the flags came from dumped leaves 1/7 (true) or had to be inferred from leaf 0xD (false).</summary>
    public bool FlagsFromDump { get; init; } = true;

    public FeatureMask XcrSupported { get; init; }
    public FeatureMask XssSupported { get; init; }

    /// <summary>The corpus's own verdict and anomaly list (from the dump's curator).</summary>
    public bool DeclaredClean { get; init; }
    public IReadOnlyList<string> DeclaredAnomalies { get; init; } = [];
    public string Notes { get; init; } = "";

    /// <summary>What this loader found wrong with the enumeration (SPEC R7); empty for a consistent profile.</summary>
    public IReadOnlyList<ProfileDiagnostic> Findings { get; init; } = [];

    /// <summary>The file the profile was read from, if any.</summary>
    public string? File { get; init; }

    /// <summary>
    /// Clean = the curator marked it clean and this loader found no anomaly. Size checks against the dump only hold for
    /// clean profiles.
    /// </summary>
    public bool Clean => DeclaredClean && !Findings.Any(f => f.Severity == DiagnosticSeverity.Anomaly);

    public IEnumerable<ProfileDiagnostic> Anomalies => Findings.Where(f => f.Severity == DiagnosticSeverity.Anomaly);

    /// <summary>The CPU model the oracle and every implementation consume.</summary>
    public CpuModel ToCpuModel() => new()
    {
        Id = Id,
        Vendor = Vendor,
        Family = Family,
        Model = Model,
        Stepping = Stepping,
        MicrocodeRevision = MicrocodeRevision,
        Leaf0D = Leaf0D,
        Flags = Flags,
        MxcsrMask = MxcsrMaskFor(Vendor),
    };

    /// <summary>
    /// MXCSR_MASK is not in CPUID. AMD parts since family 10h (all AMD parts with XSAVE are 15h or later) implement
    /// MXCSR bit 17 (MM, misaligned exception mask): measured 0x2FFFF on Zen 5 (KERNEL-OBSERVATIONS §3g); Intel parts
    /// report 0xFFFF. An assumption per vendor, not a measurement per profile.
    /// </summary>
    public static uint MxcsrMaskFor(string vendor) =>
        vendor is "AuthenticAMD" or "HygonGenuine" ? 0x2FFFFu : 0xFFFFu;
}
