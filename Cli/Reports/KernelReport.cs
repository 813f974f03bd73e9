using System.Text.Json.Serialization;
using Xsave.Cli.Kernel;

namespace Xsave.Cli.Reports;

/// <summary>
/// The object <c>kernel --json</c> prints (issue 14): {"host": {...}, "checks": [{"name", "group", "result",
/// "expected", "observed", "reason"}], "summary": {"agree", "disagree", "skipped"}}. A check's name ends with the SPEC
/// rule it tests in brackets, e.g. "KVM_SET_XCRS flags=1 [R81]".
/// </summary>
public sealed record KernelReport
{
    [JsonPropertyName("host"), JsonPropertyOrder(0)] public required HostSection Host { get; init; }
    [JsonPropertyName("checks"), JsonPropertyOrder(1)] public required IReadOnlyList<CheckEntry> Checks { get; init; }
    [JsonPropertyName("summary"), JsonPropertyOrder(2)] public required SummarySection Summary { get; init; }

    public sealed record HostSection
    {
        [JsonPropertyName("available"), JsonPropertyOrder(0)] public required bool Available { get; init; }
        [JsonPropertyName("problem"), JsonPropertyOrder(1)] public string? Problem { get; init; }
        [JsonPropertyName("kernel"), JsonPropertyOrder(2)] public string? Kernel { get; init; }
        [JsonPropertyName("cpu"), JsonPropertyOrder(3)] public string? Cpu { get; init; }
        [JsonPropertyName("xcr0"), JsonPropertyOrder(4)] public string? Xcr0 { get; init; }
        [JsonPropertyName("xss_supported"), JsonPropertyOrder(5)] public string? XssSupported { get; init; }
        [JsonPropertyName("xsaves"), JsonPropertyOrder(6)] public bool? Xsaves { get; init; }
        [JsonPropertyName("mxcsr_mask"), JsonPropertyOrder(7)] public string? MxcsrMask { get; init; }
        [JsonPropertyName("kvm"), JsonPropertyOrder(8)] public string? Kvm { get; init; }
        [JsonPropertyName("root"), JsonPropertyOrder(9)] public bool? Root { get; init; }
        [JsonPropertyName("dmesg"), JsonPropertyOrder(10)] public string? Dmesg { get; init; }
        [JsonPropertyName("config"), JsonPropertyOrder(11)] public IReadOnlyList<string>? Config { get; init; }
        /// <summary>The emulator the CPU-level groups ran under (kernel --impl qemu-user:MODEL); null on the live machine.</summary>
        [JsonPropertyName("emulator"), JsonPropertyOrder(12)] public string? Emulator { get; init; }
    }

    public sealed record CheckEntry
    {
        [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
        [JsonPropertyName("group"), JsonPropertyOrder(1)] public required string Group { get; init; }
        [JsonPropertyName("result"), JsonPropertyOrder(2)] public required string Result { get; init; }
        [JsonPropertyName("expected"), JsonPropertyOrder(3)] public string? Expected { get; init; }
        [JsonPropertyName("observed"), JsonPropertyOrder(4)] public string? Observed { get; init; }
        [JsonPropertyName("reason"), JsonPropertyOrder(5)] public string? Reason { get; init; }
    }

    public sealed record SummarySection
    {
        [JsonPropertyName("agree"), JsonPropertyOrder(0)] public required int Agree { get; init; }
        [JsonPropertyName("disagree"), JsonPropertyOrder(1)] public required int Disagree { get; init; }
        [JsonPropertyName("skipped"), JsonPropertyOrder(2)] public required int Skipped { get; init; }
    }

    public static string ResultName(CheckResult r) => r switch
    {
        CheckResult.Agree => "agree",
        CheckResult.Disagree => "disagree",
        _ => "skipped",
    };

    public static KernelReport From(KernelRun run)
    {
        var h = run.Host;
        return new()
        {
            Host = h is null
                ? new HostSection { Available = false, Problem = run.HostProblem, Emulator = run.Emulator }
                : new HostSection
                {
                    Available = true,
                    Kernel = h.Release,
                    Cpu = $"{h.Cpu.Vendor} family 0x{h.Cpu.Family:x} model 0x{h.Cpu.Model:x} stepping {h.Cpu.Stepping}" +
                          (h.Cpu.MicrocodeRevision is { } mc ? $", microcode 0x{mc:x}" : ""),
                    Xcr0 = h.Xcr0.ToHex(),
                    XssSupported = h.Cpu.SupportedXss.ToHex(),
                    Xsaves = h.Cpu.HasXsaves,
                    MxcsrMask = $"0x{h.Cpu.MxcsrMask:x}",
                    Kvm = h.Kvm switch { KvmProvider.None => "none", KvmProvider.Pvm => "kvm_pvm (non-upstream)", _ => "upstream" } + $": {h.KvmEvidence}",
                    Root = h.Root,
                    Dmesg = h.FpuLog is null ? h.DmesgProblem : "readable",
                    Config = h.ConfigNotes,
                    Emulator = run.Emulator,
                },
            Checks = run.Checks.Select(c => new CheckEntry
            {
                Name = c.Rule == "-" ? c.Name : $"{c.Name} [{c.Rule}]", Group = c.Group, Result = ResultName(c.Result),
                Expected = c.Expected, Observed = c.Observed, Reason = c.Reason,
            }).ToList(),
            Summary = new SummarySection { Agree = run.Count(CheckResult.Agree), Disagree = run.Count(CheckResult.Disagree), Skipped = run.Count(CheckResult.Skipped) },
        };
    }
}
