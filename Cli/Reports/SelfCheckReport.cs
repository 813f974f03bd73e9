using System.Text.Json.Serialization;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Oracle.Architecture;

namespace Xsave.Cli.Reports;

public sealed record EnabledPairEntry(
    [property: JsonPropertyName("xcr0")] string Xcr0,
    [property: JsonPropertyName("xss")] string Xss);

/// <summary>
/// The self-check of one profile: the oracle's size rules against the dump's own measurements (SPEC R4, R5, R14, R15).
/// Sizes decimal, masks lowercase hex.
/// </summary>
public sealed record ProfileCheck(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("clean")] bool Clean,
    [property: JsonPropertyName("dump_ecx")] uint DumpEcx,
    [property: JsonPropertyName("oracle_max_standard_size")] int OracleMaxStandardSize,
    [property: JsonPropertyName("ecx_ok")] bool EcxOk,
    [property: JsonPropertyName("dump_ebx0")] uint DumpEbx0,
    [property: JsonPropertyName("dump_ebx1")] uint DumpEbx1,
    [property: JsonPropertyName("pairs")] IReadOnlyList<EnabledPairEntry> Pairs,
    [property: JsonPropertyName("passed")] bool Passed)
{
    /// <summary>Only clean profiles gate the run: the size checks do not hold for inconsistent dumps.</summary>
    [JsonIgnore] public bool Gating => Clean;
}

public sealed record SelfCheckSummary(
    [property: JsonPropertyName("profiles")] int Profiles,
    [property: JsonPropertyName("clean")] int Clean,
    [property: JsonPropertyName("clean_passed")] int CleanPassed,
    [property: JsonPropertyName("clean_failed")] int CleanFailed,
    [property: JsonPropertyName("not_clean_passed")] int NotCleanPassed,
    [property: JsonPropertyName("not_clean_failed")] int NotCleanFailed,
    [property: JsonPropertyName("load_errors")] int LoadErrors);

/// <summary>
/// The answer of 'self-check' (the main job until the gate exists): for every corpus profile, does the oracle
/// reproduce CPUID.(0xD,0).ECX, and which legal (XCR0, XSS) pairs reproduce sub-leaf 0 EBX and sub-leaf 1 EBX.
/// Passed = every clean profile passes and every corpus file loaded.
/// </summary>
public sealed record SelfCheckReport(
    [property: JsonPropertyName("corpus")] string Corpus,
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("summary")] SelfCheckSummary Summary,
    [property: JsonPropertyName("profiles")] IReadOnlyList<ProfileCheck> Profiles,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors)
{
    /// <summary>Checks one profile: R4 (ECX = oracle's maximum standard size) and some legal pair explains both EBX.</summary>
    public static ProfileCheck Check(CpuProfile profile)
    {
        var explained = DumpReproduction.Explain(profile.ToCpuModel());
        return new ProfileCheck(profile.Id, profile.Clean, explained.DumpEcx, explained.MaxStandardSize,
            explained.MaxSizeMatches, explained.DumpEbx0, explained.DumpEbx1,
            explained.Pairs.Select(p => new EnabledPairEntry(p.Xcr0.ToHex(), p.Xss.ToHex())).ToList(),
            explained.MaxSizeMatches && explained.Reproduced);
    }

    public static SelfCheckReport Build(CpuCorpus corpus, Action<int, int, string>? onProfile = null)
    {
        var ordered = corpus.Profiles;
        var checks = new List<ProfileCheck>();
        for (int i = 0; i < ordered.Count; i++)
        {
            onProfile?.Invoke(i + 1, ordered.Count, ordered[i].Id);
            checks.Add(Check(ordered[i]));
        }
        var summary = new SelfCheckSummary(checks.Count,
            checks.Count(c => c.Clean),
            checks.Count(c => c.Clean && c.Passed), checks.Count(c => c.Clean && !c.Passed),
            checks.Count(c => !c.Clean && c.Passed), checks.Count(c => !c.Clean && !c.Passed),
            corpus.Problems.Count);
        bool passed = summary.CleanFailed == 0 && summary.LoadErrors == 0 && checks.Count > 0;
        return new SelfCheckReport(corpus.Directory, passed, summary, checks, corpus.Problems);
    }
}
