using System.Text.Json.Nodes;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Properties.Generators;
using Xsave.Properties.Laws;

namespace Xsave.Properties.Comparison;

/// <summary>One operation applied: what it returned (or why it was not applied) and the state after it.</summary>
public sealed record KernelStep(int Index, KernelOp Op, KernelOutcome? Outcome, string? NotApplied, KernelSnapshot? After)
{
    public const string NotAppliedReason = "not applied: names a process, thread or vCPU that does not exist";

    /// <summary>Every step after a boot that died (BootSummary.Failure): the kernel has no user space.</summary>
    public const string NotBootedReason = "not applied: the kernel did not boot";

    /// <summary>The outcome as the comparison sees it: the return value and the data, or why it was not applied.</summary>
    public string Describe() => NotApplied ?? OutcomeText(Outcome!);

    public static string OutcomeText(KernelOutcome o)
    {
        var parts = new List<string> { $"result={o.Result}" };
        if (o.Value is { } v) parts.Add($"value=0x{v:x}");
        if (o.Created is { } c) parts.Add($"created={c}");
        if (o.Signal is { } s) parts.Add($"signal={s.Name()}");
        if (o.Data is { } d) parts.Add(OpText.Image(d));
        if (o.Exits is { } e) parts.Add($"exits=[{string.Join(", ", e)}]");
        if (o.Cpuid is { } cpuid) parts.Add($"cpuid=[{string.Join(", ", cpuid.Select(x => $"0xd.{x.Index}: {x.Regs}"))}]");
        return string.Join(" ", parts);
    }
}

/// <summary>A whole scenario run on one implementation.</summary>
public sealed record KernelTrace(BootSummary Boot, KernelSnapshot? Initial, IReadOnlyList<KernelStep> Steps)
{
    public KernelConfig Config { get; init; } = KernelConfig.Default;

    /// <summary>Every reported state: after boot, then after each step.</summary>
    public IEnumerable<KernelSnapshot> States() =>
        new[] { Initial }.Concat(Steps.Select(s => s.After)).Where(s => s is not null).Select(s => s!);

    /// <summary>Each applied step with the state before and after it.</summary>
    public IEnumerable<(KernelOp Op, KernelStep Step, KernelSnapshot Before, KernelSnapshot After)> Transitions()
    {
        var before = Initial;
        foreach (var step in Steps)
        {
            if (before is not null && step.After is not null && step.Outcome is not null) yield return (step.Op, step, before, step.After);
            before = step.After ?? before;
        }
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["boot"] = System.Text.Json.JsonSerializer.SerializeToNode(Boot, Differential.Json),
        ["steps"] = new JsonArray(Steps.Select(s => (JsonNode)new JsonObject
        {
            ["index"] = s.Index,
            ["op"] = OpText.Describe(s.Op),
            ["outcome"] = s.Describe(),
        }).ToArray()),
    };
}

/// <summary>Runs a whole operation sequence on an implementation through one <see cref="KernelSession"/>.</summary>
public static class KernelRun
{
    public static KernelTrace Execute(IXstateImplementation impl, KernelScenario s)
    {
        var session = new KernelSession(impl, s.Cpu.Cpu, s.Config);
        var steps = s.Ops.Select(session.Step).ToList();
        return new KernelTrace(session.Kernel.Boot, session.Initial, steps) { Config = s.Config };
    }
}
