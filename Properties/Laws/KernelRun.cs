using System.Text.Json.Nodes;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>One operation applied: what it returned (or why it was not applied) and the state after it.</summary>
public sealed record KernelStep(int Index, KernelOp Op, KernelOutcome? Outcome, string? NotApplied, KernelSnapshot? After)
{
    /// <summary>The outcome as the comparison sees it: the return value, data, and any crash of the implementation.</summary>
    public string Describe() => NotApplied ?? OutcomeText(Outcome!);

    public static string OutcomeText(KernelOutcome o)
    {
        var parts = new List<string> { $"result={o.Result}" };
        if (o.Value is { } v) parts.Add($"value=0x{v:x}");
        if (o.Created is { } c) parts.Add($"created={c}");
        if (o.Signal is { } s) parts.Add($"signal={s}");
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

/// <summary>
/// Runs a scenario on an implementation. Names are tracked from what the implementation really created, and an
/// operation naming something that does not exist is not applied (on either side, the same way). An exception from
/// the implementation is its answer to that step ("crash: ..."), not a harness failure.
/// </summary>
public static class KernelRun
{
    public static KernelTrace Execute(IXstateImplementation impl, KernelScenario s)
    {
        var kernel = impl.Boot(s.Cpu.Cpu, s.Config);
        var shape = WorldShape.Initial;
        var steps = new List<KernelStep>();
        var initial = kernel.Snapshot();
        for (int i = 0; i < s.Ops.Count; i++)
        {
            var op = s.Ops[i];
            if (!shape.Accepts(op))
            {
                steps.Add(new KernelStep(i, op, null, "not applied: names something that does not exist", kernel.Snapshot()));
                continue;
            }
            KernelOutcome? outcome;
            string? crash = null;
            try
            {
                outcome = kernel.Apply(op);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outcome = null;
                crash = $"crash: {e.GetType().Name}: {e.Message}";
            }
            if (outcome is not null && (op is not VcpuCreateOp || outcome.Created is not null)) shape = shape.After(op);
            steps.Add(new KernelStep(i, op, outcome, crash, kernel.Snapshot()));
        }
        return new KernelTrace(kernel.Boot, initial, steps) { Config = s.Config };
    }
}
