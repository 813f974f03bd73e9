using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Running;

/// <summary>How much to run: the number of cases, the seed, and the size range.</summary>
public sealed record RunBudget(int MaxTests = 100, ulong? Seed = null, int EndSize = 100)
{
    public static RunBudget Default { get; } = new();
}

/// <summary>
/// Runs one <see cref="ConformanceProperty"/> with FsCheck and reports a <see cref="PropertyOutcome"/>. Deterministic
/// for a given seed. Never throws for a failing property: failures are values.
/// </summary>
public static class PropertyRunner
{
    public static PropertyOutcome Run(ConformanceProperty property, PropertyContext context, RunBudget budget)
    {
        if (property.SkipReason(context.Subject) is { } reason)
            return new PropertyOutcome(property.Name, Verdict.NotApplicable, 0, 0, TimeSpan.Zero, reason);
        if (property.Cases(context) is { } cases)
            return RunCases(property, context, cases, budget);

        var runner = new CapturingRunner();
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(budget.MaxTests)
            .WithEndSize(budget.EndSize)
            .WithQuietOnSuccess(true)
            .WithRunner(runner)
            .WithName(property.Name);
        if (budget.Seed is { } seed)
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, OddGamma(seed)), FSharpOption<int>.None)));

        var clock = Stopwatch.StartNew();
        Check.One(config, property.Build(context));
        clock.Stop();

        return runner.Result switch
        {
            TestResult.Passed p => new(property.Name, Verdict.Pass, runner.Cases, 0, clock.Elapsed, Branches: Stamps(p.Item1)),
            TestResult.Exhausted e => new(property.Name, Verdict.HarnessError, runner.Cases, 0, clock.Elapsed,
                $"gave up after {e.Item.NumberOfTests} cases: too many discarded"),
            TestResult.Failed f => new(property.Name, FailureVerdict(f), f.Item1.NumberOfTests, f.Item1.NumberOfShrinks, clock.Elapsed,
                Message: FailureMessage(f), Original: f.Item2.ToList(), Shrunk: f.Item3.ToList(),
                ReplaySeed: f.Item6.Seed, ReplayGamma: f.Item6.Gamma, ReplaySize: f.Item7, Stack: FaultStack(f)),
            _ => new(property.Name, Verdict.HarnessError, runner.Cases, 0, clock.Elapsed, "FsCheck returned no result"),
        };
    }

    /// <summary>
    /// The gate's loop: the cases FsCheck's runner would generate for the seed (<see cref="CaseSchedule"/>), each checked
    /// directly, their branches counted. Only a failing case goes to FsCheck, replayed at its own Rnd and size, to be
    /// shrunk and reported exactly as a failure found by FsCheck's runner.
    /// </summary>
    private static PropertyOutcome RunCases(ConformanceProperty property, PropertyContext context, ICaseSource cases, RunBudget budget)
    {
        ulong seed = budget.Seed ?? (ulong)Random.Shared.NextInt64();
        var schedule = new CaseSchedule(new Rnd(seed, OddGamma(seed)), budget.MaxTests, budget.EndSize);
        var branches = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (int n = 1; n <= budget.MaxTests; n++)
        {
            var (rnd, size) = schedule.Next();
            CaseResult? result;
            object? input = null;
            try
            {
                result = cases.Check(rnd, size, out input);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = null; // FsCheck catches it again when it re-runs the case, and reports it as the failure
            }
            if (result is not { Holds: true })
                return Shrink(property, context, rnd, size, n, input, clock);
            foreach (var branch in result.Stamps) branches[branch] = branches.GetValueOrDefault(branch) + 1;
        }
        return new(property.Name, Verdict.Pass, budget.MaxTests, 0, clock.Elapsed, Branches: branches);
    }

    /// <summary>FsCheck re-runs the failing case (the same input, from its Rnd and size) and shrinks it. A case that
    /// passes when re-run failed only once: the implementation answered the same question two ways.</summary>
    private static PropertyOutcome Shrink(ConformanceProperty property, PropertyContext context, Rnd rnd, int size, int cases, object? input, Stopwatch clock)
    {
        var outcome = Replay(property, context, rnd.Seed, rnd.Gamma, size);
        clock.Stop();
        return outcome.Verdict == Verdict.Pass
            ? new(property.Name, Verdict.HarnessError, cases, 0, clock.Elapsed, Message:
                $"case {cases} failed, then held when it was run again to be shrunk: the implementation is not deterministic",
                Original: input is null ? null : [input], Shrunk: input is null ? null : [input], ReplaySeed: rnd.Seed, ReplayGamma: rnd.Gamma, ReplaySize: size)
            : outcome with { Cases = cases, Elapsed = clock.Elapsed };
    }

    /// <summary>Checks one stored input directly (no generation, no shrinking): how regression files are replayed.</summary>
    public static PropertyOutcome CheckInput(ConformanceProperty property, PropertyContext context, object input)
    {
        if ((property.SkipReason(context.Subject) ?? FixedMachineFit.Misfit(context, input)) is { } reason)
            return new PropertyOutcome(property.Name, Verdict.NotApplicable, 0, 0, TimeSpan.Zero, reason);
        var runner = new CapturingRunner();
        var config = Config.QuickThrowOnFailure.WithMaxTest(1).WithQuietOnSuccess(true).WithRunner(runner).WithName(property.Name);
        var clock = Stopwatch.StartNew();
        Check.One(config, property.CheckInput(context, input));
        return runner.Result is TestResult.Failed f
            ? new(property.Name, FailureVerdict(f), 1, 0, clock.Elapsed, Message: FailureMessage(f), Original: [input], Shrunk: [input], Stack: FaultStack(f))
            : new(property.Name, Verdict.Pass, 1, 0, clock.Elapsed);
    }

    /// <summary>Re-runs exactly one stored failing case (FSCHECK.md §5: build the Replay record directly so size 0 works).</summary>
    public static PropertyOutcome Replay(ConformanceProperty property, PropertyContext context, ulong seed, ulong gamma, int size)
    {
        var runner = new CapturingRunner();
        var config = Config.QuickThrowOnFailure.WithMaxTest(1).WithQuietOnSuccess(true).WithRunner(runner)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), FSharpOption<int>.Some(size))));
        var clock = Stopwatch.StartNew();
        Check.One(config, property.Build(context));
        return runner.Result is TestResult.Failed f
            ? new(property.Name, FailureVerdict(f), 1, f.Item1.NumberOfShrinks, clock.Elapsed, Message: FailureMessage(f),
                Original: f.Item2.ToList(), Shrunk: f.Item3.ToList(), ReplaySeed: seed, ReplayGamma: gamma, ReplaySize: size, Stack: FaultStack(f))
            : new(property.Name, Verdict.Pass, 1, 0, clock.Elapsed);
    }

    /// <summary>How many cases carried each classification (FsCheck's stamps: the branch names laws Classify with).</summary>
    private static Dictionary<string, int> Stamps(TestData data)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (count, stamps) in data.Stamps)
            foreach (var stamp in stamps.Select(t => t.Trim('"'))) // Collect prints strings with F#'s quotes
                counts[stamp] = counts.GetValueOrDefault(stamp) + count;
        return counts;
    }

    /// <summary>The crashed implementation's exception with its stack (for --verbose), when the failure is a harness error.</summary>
    private static string? FaultStack(TestResult.Failed f) =>
        f.Item4 is Outcome.Failed { Item: { } e } ? Unwrap(e) switch
        {
            ImplementationFault fault => fault.InnerException?.ToString(),
            Contract.Implementations.ImplementationUnavailableException unavailable => unavailable.ToString(),
            _ => null,
        } : null;

    /// <summary>A law that does not hold diverges; one whose implementation (or oracle) threw is a harness error, and so
    /// is one whose implementation could not answer at all (its process died or hung), wherever the law asked it.</summary>
    private static Verdict FailureVerdict(TestResult.Failed f) =>
        f.Item4 is Outcome.Failed { Item: { } e } && Unwrap(e) is ImplementationFault or Contract.Implementations.ImplementationUnavailableException
            ? Verdict.HarnessError
            : Verdict.Diverge;

    private static string FailureMessage(TestResult.Failed f)
    {
        var labels = f.Item1.Labels.Count == 0 ? "" : "labels: " + string.Join("; ", f.Item1.Labels) + "\n";
        var error = f.Item4 is Outcome.Failed of && of.Item is not null ? Unwrap(of.Item).Message : "property returned false";
        return labels + error;
    }

    private static Exception Unwrap(Exception e) => e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;

    /// <summary>FsCheck's Rnd needs an odd gamma; derive one from the seed so one number names a run.</summary>
    private static ulong OddGamma(ulong seed) => (seed * 0x9E3779B97F4A7C15UL) | 1UL;
}
