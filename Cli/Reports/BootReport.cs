using System.Text.Json;
using System.Text.Json.Serialization;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Reports;

/// <summary>
/// The object the <c>boot --json</c> verb prints: the boot configuration of one CPU under one policy, mapped from the
/// contract's <see cref="BootSummary"/> as an implementation reports it. Property order is the JSON key order; masks
/// are lowercase hex strings (FeatureMask.ToHex), sizes decimal numbers.
/// </summary>
public sealed record BootReport
{
    [JsonPropertyName("cpu"), JsonPropertyOrder(0)] public required string Cpu { get; init; }
    [JsonPropertyName("policy"), JsonPropertyOrder(1)] public required string Policy { get; init; }
    [JsonPropertyName("xsave"), JsonPropertyOrder(2)] public required bool Xsave { get; init; }
    [JsonPropertyName("compacted"), JsonPropertyOrder(3)] public required bool Compacted { get; init; }
    [JsonPropertyName("disabled_reason"), JsonPropertyOrder(4)] public required string? DisabledReason { get; init; }
    [JsonPropertyName("xcr0"), JsonPropertyOrder(5)] public required string Xcr0 { get; init; }
    [JsonPropertyName("xss"), JsonPropertyOrder(6)] public required string Xss { get; init; }
    [JsonPropertyName("kernel"), JsonPropertyOrder(7)] public required KernelSection Kernel { get; init; }
    [JsonPropertyName("user"), JsonPropertyOrder(8)] public required UserSection User { get; init; }
    [JsonPropertyName("guest"), JsonPropertyOrder(9)] public required GuestSection Guest { get; init; }

    /// <summary>Why the boot died (XSETBV refused the XCR0 the kernel wrote); written only for a failed boot.</summary>
    [JsonPropertyName("failure"), JsonPropertyOrder(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Failure { get; init; }

    public sealed record KernelSection
    {
        [JsonPropertyName("max_features"), JsonPropertyOrder(0)] public required string MaxFeatures { get; init; }
        [JsonPropertyName("default_features"), JsonPropertyOrder(1)] public required string DefaultFeatures { get; init; }
        [JsonPropertyName("independent_features"), JsonPropertyOrder(2)] public required string IndependentFeatures { get; init; }
        [JsonPropertyName("max_size"), JsonPropertyOrder(3)] public required uint MaxSize { get; init; }
        [JsonPropertyName("default_size"), JsonPropertyOrder(4)] public required uint DefaultSize { get; init; }
    }

    public sealed record UserSection
    {
        [JsonPropertyName("max_features"), JsonPropertyOrder(0)] public required string MaxFeatures { get; init; }
        [JsonPropertyName("default_features"), JsonPropertyOrder(1)] public required string DefaultFeatures { get; init; }
        [JsonPropertyName("max_size"), JsonPropertyOrder(2)] public required uint MaxSize { get; init; }
        [JsonPropertyName("default_size"), JsonPropertyOrder(3)] public required uint DefaultSize { get; init; }
    }

    public sealed record GuestSection
    {
        [JsonPropertyName("features"), JsonPropertyOrder(0)] public required string Features { get; init; }
        [JsonPropertyName("size"), JsonPropertyOrder(1)] public required uint Size { get; init; }
    }

    /// <summary>The policy's name in reports and on the command line.</summary>
    public static string PolicyName(CetSupervisorPolicy policy) => policy switch
    {
        CetSupervisorPolicy.Merged => "merged",
        CetSupervisorPolicy.AllTasks => "all-tasks",
        CetSupervisorPolicy.None => "none",
        _ => policy.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses "merged", "all-tasks" or "none" (case-insensitive).</summary>
    public static bool TryParsePolicy(string? text, out CetSupervisorPolicy policy)
    {
        foreach (var p in Enum.GetValues<CetSupervisorPolicy>())
            if (string.Equals(PolicyName(p), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                policy = p;
                return true;
            }
        policy = CetSupervisorPolicy.Merged;
        return false;
    }

    public static BootReport From(BootSummary boot, string cpuId, CetSupervisorPolicy policy) => new()
    {
        Cpu = cpuId,
        Policy = PolicyName(policy),
        Xsave = boot.Xsave,
        Compacted = boot.Compacted,
        DisabledReason = boot.DisabledReason,
        Xcr0 = boot.Xcr0.ToHex(),
        Xss = boot.Xss.ToHex(),
        Kernel = new KernelSection
        {
            MaxFeatures = boot.Kernel.MaxFeatures.ToHex(),
            DefaultFeatures = boot.Kernel.DefaultFeatures.ToHex(),
            IndependentFeatures = boot.Kernel.IndependentFeatures.ToHex(),
            MaxSize = boot.Kernel.MaxSize,
            DefaultSize = boot.Kernel.DefaultSize,
        },
        User = new UserSection
        {
            MaxFeatures = boot.User.MaxFeatures.ToHex(),
            DefaultFeatures = boot.User.DefaultFeatures.ToHex(),
            MaxSize = boot.User.MaxSize,
            DefaultSize = boot.User.DefaultSize,
        },
        Guest = new GuestSection { Features = boot.GuestFeatures.ToHex(), Size = boot.GuestSize },
        Failure = boot.Failure,
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The JSON text of this report (null disabled_reason is written as null).</summary>
    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? Indented : Compact);
}
