using System.Text.Json.Serialization;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Reports;

public sealed record EnabledPairEntry(
    [property: JsonPropertyName("xcr0")] string Xcr0,
    [property: JsonPropertyName("xss")] string Xss);

/// <summary>
/// The self-check of one profile: an implementation's size rules against the dump's own measurements (SPEC R4, R5,
/// R14, R15). Sizes decimal, masks lowercase hex. (The JSON key says "oracle" because the oracle is the default and
/// the key predates --impl.)
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
/// The answer of 'self-check' (the main job until the gate exists): for every corpus profile, does the implementation
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
    /// <summary>Checks one profile: R4 (ECX = the maximum standard size) and some legal pair explains both EBX.</summary>
    public static ProfileCheck Check(CpuProfile profile, ICpuArchitecture architecture)
    {
        var cpu = architecture.Cpu;
        // R4: ECX is the standard size with every supported XCR0 bit enabled.
        int maxStandard = architecture.StandardSize(cpu.SupportedXcr0);
        bool ecxOk = maxStandard == cpu.MaxStandardSize;
        var pairs = EnabledPairSearch.Find(architecture);
        return new ProfileCheck(profile.Id, profile.Clean, cpu.MaxStandardSize, maxStandard, ecxOk,
            cpu.EnabledStandardSize, cpu.EnabledCompactedSize,
            pairs.Select(p => new EnabledPairEntry(p.Xcr0.ToHex(), p.Xss.ToHex())).ToList(),
            ecxOk && pairs.Count > 0);
    }

    public static SelfCheckReport Build(CpuCorpus corpus, IXstateImplementation implementation, Action<int, int, string>? onProfile = null)
    {
        var ordered = corpus.Profiles;
        var checks = new List<ProfileCheck>();
        for (int i = 0; i < ordered.Count; i++)
        {
            onProfile?.Invoke(i + 1, ordered.Count, ordered[i].Id);
            checks.Add(Check(ordered[i], implementation.Architecture(ordered[i].ToCpuModel())));
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
