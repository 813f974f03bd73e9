using System.Text.Json.Nodes;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Contract.Machine;
using Xsave.Properties;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Laws;
using Xsave.Properties.Running;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Running;

/// <summary>
/// Runs a scenario step by step on the reference and on an implementation (two fresh worlds), checks each step's
/// expectations on both, and checks that the two agree — kernel steps through the same session and comparison the
/// kernel laws use (<see cref="KernelSession"/>, <see cref="StepComparison"/>); instructions on fault, state and memory;
/// queries on their answers. A step fails on any mismatch; the run goes on so the report shows every step. An
/// implementation lacking a contract part the scenario needs is not applicable, never passed: the reference still runs
/// and its expectations are still checked. A crash of either side is a harness error, never an agreement.
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
            int given = oracle.Session.Given.Count;
            var o = Execute(oracle, step, scenario);
            var i = implSide is null ? null : Execute(implSide, step, scenario);
            steps.Add(Judge(step, o, i, skip, OpLine(step, oracle, given), impl.Capabilities.ObservesInternalState));
        }
        var verdict = steps.Any(s => s.Verdict == Verdict.HarnessError) ? Verdict.HarnessError
            : steps.Any(s => s.Verdict == Verdict.Diverge) ? Verdict.Diverge
            : skip is not null ? Verdict.NotApplicable : Verdict.Pass;
        return new ScenarioResult(scenario.File, scenario.Source, verdict, steps);
    }

    /// <summary>A file that could not be read: a harness error carrying the error (file:line:column: message).</summary>
    public static ScenarioResult Malformed(ScenarioError error) => new(error.File, null, Verdict.HarnessError, [], error.ToString());

    /// <summary>The step's operation as given; only the step's own (a step whose input failed to build adds none, and
    /// must not be labelled with the one before it).</summary>
    private static string OpLine(ScenarioStep step, Side oracle, int givenBefore) => step.Action switch
    {
        KernelAction when oracle.Session.Given.Count > givenBefore => $"{step.Op}: {OpText.Describe(oracle.Session.Given[^1])}",
        _ => step.Op,
    };

    private static StepResult Judge(ScenarioStep step, Observation o, Observation? i, string? skip, string opText, bool compareState)
    {
        var errors = new List<string>();
        var reasons = new List<string>();
        if (o.Error is not null) errors.Add($"oracle: {o.Error}");
        if (i?.Error is not null) errors.Add($"implementation: {i.Error}");
        if (o.Mismatch is not null) reasons.Add($"oracle: {o.Mismatch}");
        if (i?.Mismatch is not null) reasons.Add($"implementation: {i.Mismatch}");
        foreach (var e in step.Expect)
        {
            var read = FieldTable.Resolve(step.Action.Fields, e.Path);
            if (o.Error is null && e.Matcher.Mismatch(read?.Invoke(o.Fields)) is { } mo) reasons.Add($"oracle {e.Path}: {mo} (line {e.Line})");
            if (i is { Error: null } && e.Matcher.Mismatch(read?.Invoke(i.Fields)) is { } mi) reasons.Add($"implementation {e.Path}: {mi} (line {e.Line})");
        }
        if (i is not null && o.Error is null && i.Error is null && Disagreement(o, i, compareState) is { } d)
            reasons.Add("oracle and implementation disagree: " + d);

        JsonNode? expected = step.Expect.Count == 0 ? null : new JsonObject(step.Expect.Select(e => KeyValuePair.Create(e.Path, (JsonNode?)e.Matcher.Text)));
        var verdict = errors.Count > 0 ? Verdict.HarnessError : reasons.Count > 0 ? Verdict.Diverge : skip is not null ? Verdict.NotApplicable : Verdict.Pass;
        string? reason = errors.Count + reasons.Count > 0 ? string.Join("; ", errors.Concat(reasons)) : skip;
        var stack = string.Join("\n", new[] { o.Stack, i?.Stack }.OfType<string>());
        return new StepResult(step.Index, step.Line, opText, expected, Shown(o, step), i is null ? (skip is null ? null : JsonValue.Create(skip)) : Shown(i, step),
            verdict, reason, stack.Length == 0 ? null : stack);
    }

    private static JsonNode Shown(Observation obs, ScenarioStep step)
    {
        var node = new JsonObject { ["outcome"] = obs.Outcome };
        foreach (var e in step.Expect) node[e.Path] = FieldTable.Resolve(step.Action.Fields, e.Path)?.Invoke(obs.Fields)?.Text;
        return node;
    }

    private static string? Disagreement(Observation o, Observation i, bool compareState) => (o.Comparable, i.Comparable) switch
    {
        (null, null) => null,
        (KernelStep a, KernelStep b) => StepComparison.Difference(b, a, compareState),
        (InstructionOutcome a, InstructionOutcome b) => a.Differences(b) is { Count: > 0 } diffs
            ? string.Join("; ", diffs.Take(6).Select(x => x.ToString())) : null,
        (IReadOnlyDictionary<string, FieldValue> a, IReadOnlyDictionary<string, FieldValue> b) =>
            a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v.Text == kv.Value.Text) ? null
            : $"answers: oracle {{{Flat(a)}}} vs implementation {{{Flat(b)}}}",
        (BootSummary a, BootSummary b) => StepComparison.BootDifference(b, a),
        _ => "different kinds of answer",
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
                _ => throw new InvalidOperationException($"step kind {step.Action.GetType().Name} has no runner"),
            };
        }
        catch (StepInputException e)
        {
            return Observation.Failed(e.Message);
        }
        catch (ImplementationFault e)
        {
            return Observation.Failed(e.Message, e.InnerException?.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Instructions and queries are asked directly: their exceptions are the implementation's crash too.
            return Observation.Failed($"{side.Impl.Name} threw: {e.GetType().Name}: {e.Message}", e.ToString());
        }
    }

    private static Observation Kernel(Side side, KernelAction k)
    {
        var session = side.Session;
        var step = session.Step(k.Build(side.Inputs));
        var fields = new FieldSource(step.Outcome, step.After, session.Kernel.Boot);
        return new Observation(step.Describe(), fields, step);
    }

    private static Observation Boot(Side side)
    {
        var boot = side.Session.Kernel.Boot;
        return new Observation($"xsave={boot.Xsave} compacted={boot.Compacted} xcr0={boot.Xcr0} xss={boot.Xss}", new FieldSource(Boot: boot), boot);
    }

    /// <summary>Every kernel invariant law (SPEC part D) on the operations given so far; the checkpoint fails with each violation.</summary>
    private Observation Invariants(Side side, Scenario scenario)
    {
        var input = new KernelScenario(new CpuCase(scenario.Cpu, null), scenario.Config, side.Session.Given.ToList());
        var context = new PropertyContext(side.Impl, reference(), [scenario.Cpu]);
        var failed = new List<string>();
        var errors = new List<string>();
        int checkedLaws = 0;
        foreach (var law in KernelInvariantLaws.All())
        {
            if (law.SkipReason(side.Impl) is not null) continue;
            checkedLaws++;
            var result = PropertyRunner.CheckInput(law, context, input);
            if (result.Verdict == Verdict.Diverge) failed.Add($"{law.Name}: {result.Message?.Split('\n')[0]}");
            if (result.Verdict == Verdict.HarnessError) errors.Add($"{law.Name}: {result.Message?.Split('\n')[0]}");
        }
        var text = failed.Count + errors.Count == 0 ? $"{checkedLaws} invariant laws hold" : string.Join("; ", errors.Concat(failed));
        return new Observation(text, new FieldSource(Invariants: failed.Count + errors.Count == 0 ? "ok" : "violated"), null, errors.Count == 0 ? null : text,
            failed.Count == 0 ? null : "invariants violated: " + text);
    }

    private static Observation Machine(Side side, MachineAction m, Scenario scenario)
    {
        side.Machine = m.Apply(side.Machine, scenario.Cpu);
        var problems = side.Machine.ShapeProblems(scenario.Cpu);
        if (problems.Count > 0) return Observation.Failed("machine state impossible on this CPU: " + string.Join("; ", problems));
        return new Observation(side.Machine.ToString(), new FieldSource(Machine: side.Machine), null);
    }

    private static Observation Instruction(Side side, InstructionAction ins)
    {
        var op = ins.Build(side.Inputs);
        var outcome = side.Arch.Execute(side.Machine, op);
        side.Machine = outcome.State;
        if (outcome.Buffer is { } buf) side.SavedBuffer = buf;
        return new Observation(outcome.ToString(), new FieldSource(Instruction: outcome, Machine: outcome.State), outcome);
    }

    private static Observation Query(Side side, QueryAction q)
    {
        var answer = q.Ask(side.Arch);
        return new Observation(string.Join(" ", answer.Where(kv => !kv.Key.Contains('.')).Select(kv => $"{kv.Key}={kv.Value.Text}")),
            new FieldSource(Answers: answer), answer);
    }
}
