using System.Text.Json.Nodes;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties;
using Xsave.Properties.Generators;
using Xsave.Properties.Laws;
using Xsave.Properties.Running;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Running;

/// <summary>
/// Runs a scenario step by step on the oracle and on an implementation (two fresh worlds), checks each step's
/// expectations on both, and checks that the two agree (outcome and kernel state for kernel steps, fault, state and
/// memory for instructions, answers for queries). A step fails on any mismatch; the run goes on so the report shows
/// every step. An implementation lacking a contract part the scenario needs is skipped, never passed: the oracle still
/// runs and its expectations are still checked.
/// </summary>
public sealed class ScenarioRunner(Func<IXstateImplementation> reference, Func<IXstateImplementation> subject)
{
    public ScenarioResult Run(Scenario scenario)
    {
        var oracle = new Side(reference(), scenario);
        var impl = subject();
        var missing = scenario.Needs & ~impl.Capabilities.Parts;
        string? skip = missing != ContractPart.None ? $"skipped: {impl.Name} does not implement {missing}" : null;
        var implSide = skip is null ? new Side(impl, scenario) : null;

        var steps = new List<StepResult>();
        foreach (var step in scenario.Steps)
        {
            var o = Execute(oracle, step, scenario);
            var i = implSide is null ? null : Execute(implSide, step, scenario);
            steps.Add(Judge(step, o, i, skip, OpLine(step, oracle)));
        }
        var verdict = steps.Any(s => s.Verdict == Verdict.Fail) ? Verdict.Fail : skip is not null ? Verdict.Skip : Verdict.Pass;
        return new ScenarioResult(scenario.File, scenario.Source, verdict, steps);
    }

    /// <summary>A file that could not be read: a failing result carrying the error (file:line:column: message).</summary>
    public static ScenarioResult Malformed(ScenarioError error) => new(error.File, null, Verdict.Fail, [], error.ToString());

    private static string OpLine(ScenarioStep step, Side oracle) => step.Action switch
    {
        KernelAction when oracle.Applied.Count > 0 => $"{step.Op}: {OpText.Describe(oracle.Applied[^1])}",
        _ => step.Op,
    };

    private static StepResult Judge(ScenarioStep step, Observation o, Observation? i, string? skip, string opText)
    {
        var reasons = new List<string>();
        if (o.Error is not null) reasons.Add($"oracle: {o.Error}");
        if (i?.Error is not null) reasons.Add($"implementation: {i.Error}");
        foreach (var e in step.Expect)
        {
            if (e.Matcher.Mismatch(o.Field(e.Path)) is { } mo) reasons.Add($"oracle {e.Path}: {mo} (line {e.Line})");
            if (i is not null && e.Matcher.Mismatch(i.Field(e.Path)) is { } mi) reasons.Add($"implementation {e.Path}: {mi} (line {e.Line})");
        }
        if (i is not null && o.Error is null && i.Error is null && Disagreement(o, i) is { } d) reasons.Add("oracle and implementation disagree: " + d);

        JsonNode? expected = step.Expect.Count == 0 ? null : new JsonObject(step.Expect.Select(e => KeyValuePair.Create(e.Path, (JsonNode?)e.Matcher.Text)));
        var verdict = reasons.Count > 0 ? Verdict.Fail : skip is not null ? Verdict.Skip : Verdict.Pass;
        string? reason = reasons.Count > 0 ? string.Join("; ", reasons) : skip;
        return new StepResult(step.Index, step.Line, opText, expected, Shown(o, step), i is null ? (skip is null ? null : JsonValue.Create(skip)) : Shown(i, step), verdict, reason);
    }

    private static JsonNode Shown(Observation obs, ScenarioStep step)
    {
        var node = new JsonObject { ["outcome"] = obs.Outcome };
        foreach (var e in step.Expect) node[e.Path] = obs.Field(e.Path)?.Text;
        return node;
    }

    private static string? Disagreement(Observation o, Observation i) => (o.Comparable, i.Comparable) switch
    {
        (null, null) => null,
        (KernelAnswer a, KernelAnswer b) =>
            !Equals(a.Outcome, b.Outcome) ? $"outcome: oracle {o.Outcome} vs implementation {i.Outcome}"
            : a.Snap is not null && b.Snap is not null && !a.Snap.Equals(b.Snap) ? "state after the step: " + SnapshotDiff.Describe(a.Snap, b.Snap)
            : null,
        (InstructionOutcome a, InstructionOutcome b) => a.Differences(b) is { Count: > 0 } diffs
            ? string.Join("; ", diffs.Take(6).Select(x => x.ToString())) : null,
        (IReadOnlyDictionary<string, FieldValue> a, IReadOnlyDictionary<string, FieldValue> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v.Text == kv.Value.Text) ? null
            : $"answers: oracle {{{Flat(a)}}} vs implementation {{{Flat(b)}}}",
        (BootSummary a, BootSummary b) => a == b ? null : $"boot: oracle {a} vs implementation {b}",
        _ => o.Comparable?.Equals(i.Comparable) == true ? null : "different kinds of answer",
    };

    private static string Flat(IReadOnlyDictionary<string, FieldValue> d) => string.Join(", ", d.Select(kv => $"{kv.Key}={kv.Value.Text}"));

    private Observation Execute(Side side, ScenarioStep step, Scenario scenario)
    {
        try
        {
            return step.Action switch
            {
                KernelAction k => Kernel(side, k),
                BootAction => Boot(side),
                InvariantsAction => Invariants(side, scenario),
                MachineAction m => Machine(side, m, scenario),
                InstructionAction ins => Instruction(side, ins),
                QueryAction q => Query(side, q),
                _ => Observation.Failed($"unknown step kind {step.Action.GetType().Name}"),
            };
        }
        catch (StepInputException e)
        {
            return Observation.Failed(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The implementation's answer to this step: a crash is a failure of the step, not of the runner.
            return Observation.Failed($"crash: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Observation Kernel(Side side, KernelAction k)
    {
        var op = k.Build(side.Inputs);
        var kernel = side.Kernel;
        side.Applied.Add(op);
        if (!side.Shape.Accepts(op))
        {
            var snapNa = kernel.Snapshot();
            return new Observation("not applied: names a process, thread or vCPU that does not exist",
                path => Fields.Kernel(path, null, snapNa, kernel.Boot), new KernelAnswer(null, snapNa));
        }
        var outcome = kernel.Apply(op);
        if (op is not VcpuCreateOp || outcome.Created is not null) side.Shape = side.Shape.After(op);
        if (outcome.Data is { } data) side.SavedData = data;
        var snap = kernel.Snapshot();
        return new Observation(KernelStep.OutcomeText(outcome), path => Fields.Kernel(path, outcome, snap, kernel.Boot), new KernelAnswer(outcome, snap));
    }

    private static Observation Boot(Side side)
    {
        var boot = side.Kernel.Boot;
        return new Observation($"xsave={boot.Xsave} compacted={boot.Compacted} xcr0={boot.Xcr0} xss={boot.Xss}", path => Fields.Boot(path[5..], boot), boot);
    }

    /// <summary>Every kernel invariant law (SPEC part D) on the operations applied so far; the checkpoint fails with each violation.</summary>
    private Observation Invariants(Side side, Scenario scenario)
    {
        var input = new KernelScenario(new CpuCase(scenario.Cpu, null), scenario.Config, side.Applied.ToList());
        var context = new PropertyContext(side.Impl, reference(), [scenario.Cpu]);
        var failed = new List<string>();
        int checkedLaws = 0;
        foreach (var law in KernelInvariantLaws.All())
        {
            if (law.SkipReason(side.Impl) is not null) continue;
            checkedLaws++;
            var result = PropertyRunner.CheckInput(law, context, input);
            if (result.Verdict == PropertyVerdict.Failed) failed.Add($"{law.Name}: {result.Message?.Split('\n')[0]}");
        }
        var text = failed.Count == 0 ? $"{checkedLaws} invariant laws hold" : string.Join("; ", failed);
        return new Observation(text, path => path == "invariants" ? FieldValue.Name(failed.Count == 0 ? "ok" : "violated") : null, null,
            failed.Count == 0 ? null : "invariants violated: " + text);
    }

    private static Observation Machine(Side side, MachineAction m, Scenario scenario)
    {
        side.Machine = m.Apply(side.Machine, scenario.Cpu);
        var problems = side.Machine.ShapeProblems(scenario.Cpu);
        if (problems.Count > 0) return Observation.Failed("machine state impossible on this CPU: " + string.Join("; ", problems));
        var state = side.Machine;
        return new Observation(state.ToString(), path => Fields.Instruction(path, null, state), null);
    }

    private static Observation Instruction(Side side, InstructionAction ins)
    {
        var op = ins.Build(side.Inputs);
        var outcome = side.Arch.Execute(side.Machine, op);
        side.Machine = outcome.State;
        if (outcome.Buffer is { } buf) side.SavedBuffer = buf;
        return new Observation(outcome.ToString(), path => Fields.Instruction(path, outcome, outcome.State), outcome);
    }

    private static Observation Query(Side side, QueryAction q)
    {
        var answer = q.Ask(side.Arch);
        return new Observation(string.Join(" ", answer.Where(kv => !kv.Key.Contains('.')).Select(kv => $"{kv.Key}={kv.Value.Text}")),
            path => answer.TryGetValue(path, out var v) ? v : null, answer);
    }
}

/// <summary>What two sides are compared on after a kernel step: the outcome and the kernel state.</summary>
internal sealed record KernelAnswer(KernelOutcome? Outcome, KernelSnapshot? Snap);
