using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xsave.Contract.Implementations;

namespace Xsave.Properties.Running;

/// <summary>One law's rate in the gate's own loop (rounds of 100 cases, each with its seed), as cases per second; with
/// <paramref name="Baseline"/>, FsCheck's trivial property measured in rounds interleaved with the law's.</summary>
public sealed record LawRate(string Name, string Family, int Cases, TimeSpan Elapsed, LawRate? Baseline = null)
{
    public double CasesPerSecond => Cases / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// The throughput figure that travels between machines (issue 16): each law's cases per second divided by FsCheck's
/// own runner on a trivial property over two ulongs, both measured in the same process, in alternating rounds (on a
/// shared machine the load moves within seconds; alternating puts the law and its baseline under the same load).
/// </summary>
public static class LawThroughput
{
    public const string TrivialName = "fscheck-trivial-two-ulongs";

    /// <summary>FsCheck's runner on (a, b) => a ^ b ^ b == a, the cost of the machinery with nothing to check, warmed up
    /// for <paramref name="warmUp"/> and then measured for at least <paramref name="cases"/> cases and at least
    /// <paramref name="measure"/>.</summary>
    public static LawRate Trivial(int cases, TimeSpan warmUp, TimeSpan measure)
    {
        var property = TrivialProperty.Value;
        ulong round = 0;
        var warm = Stopwatch.StartNew();
        do Run(property, 100, ++round); while (warm.Elapsed < warmUp);
        var clock = Stopwatch.StartNew();
        int done = 0;
        while (done < cases || clock.Elapsed < measure)
        {
            Run(property, 100, ++round);
            done += 100;
        }
        return new LawRate(TrivialName, "baseline", done, clock.Elapsed);
    }

    /// <summary>Runs a law in the gate's rounds for <paramref name="time"/> (the JIT's warm-up: its tiering of the
    /// kernels' large code took seconds, and a law measured before it was measured with the JIT). False when the law
    /// would be skipped or does not pass (a rate of a failing law measures shrinking, not checking).</summary>
    public static bool WarmUp(ConformanceProperty property, PropertyContext context, TimeSpan time)
    {
        if (property.SkipReason(context.Subject) is not null) return false;
        ulong round = 0;
        var warm = Stopwatch.StartNew();
        do
        {
            if (PropertyRunner.Run(property, context, new RunBudget(100, ++round)).Verdict != Comparison.Verdict.Pass) return false;
        }
        while (warm.Elapsed < time);
        return true;
    }

    private static readonly Lazy<Property> TrivialProperty = new(() =>
    {
        var pairs = Arb.From(from a in ArbMap.Default.GeneratorFor<ulong>() from b in ArbMap.Default.GeneratorFor<ulong>() select (a, b));
        return Prop.ForAll(pairs, p => (p.a ^ p.b ^ p.b) == p.a);
    });

    /// <summary>A law through <see cref="PropertyRunner"/> in rounds of 100, as the gate runs it, for at least
    /// <paramref name="cases"/> cases and at least <paramref name="measure"/> of its own time (after
    /// <see cref="WarmUp"/>); after each of its rounds, rounds of the trivial property until the baseline has had as
    /// much time as the law (its <see cref="LawRate.Baseline"/>). Null when a round does not pass.</summary>
    public static LawRate? Law(ConformanceProperty property, PropertyContext context, int cases, TimeSpan measure)
    {
        ulong round = 1_000_000, trivialRound = 2_000_000; // other seeds than the warm-ups'
        var trivial = TrivialProperty.Value;
        TimeSpan lawTime = TimeSpan.Zero, trivialTime = TimeSpan.Zero;
        int done = 0, trivialDone = 0;
        while (done < cases || lawTime < measure)
        {
            long start = Stopwatch.GetTimestamp();
            var outcome = PropertyRunner.Run(property, context, new RunBudget(100, ++round));
            lawTime += Stopwatch.GetElapsedTime(start);
            if (outcome.Verdict != Comparison.Verdict.Pass) return null;
            if (outcome.Cases == 0) break;
            done += outcome.Cases;
            do
            {
                start = Stopwatch.GetTimestamp();
                Run(trivial, 100, ++trivialRound);
                trivialTime += Stopwatch.GetElapsedTime(start);
                trivialDone += 100;
            }
            while (trivialTime < lawTime);
        }
        return new LawRate(property.Name, Family(property), done, lawTime,
            trivialDone == 0 ? null : new LawRate(TrivialName, "baseline", trivialDone, trivialTime));
    }

    /// <summary>The families issue 16 measures: the architecture laws (layouts, sizes, register values: target ratio ≥ 1),
    /// the instruction laws (a machine state and an XSAVE area per case: no target), the kernel sequence laws (target
    /// ≥ 0.12), and the rest ("other": the fuzzers of the tool's own inputs).</summary>
    public static string Family(ConformanceProperty property) =>
        property.Name.StartsWith("fuzz.", StringComparison.Ordinal) ? "other"
        : (property.Needs & ContractPart.Linux) != 0 ? "kernel"
        : (property.Needs & ContractPart.Instructions) != 0 ? "instructions"
        : "architecture";

    /// <summary>Issue 16's target ratio of a family, or null when it sets none.</summary>
    public static double? Target(string family) => family switch
    {
        "architecture" => 1.0,
        "kernel" => 0.12,
        _ => null,
    };

    private static void Run(Property property, int cases, ulong seed = 0)
    {
        var runner = new CapturingRunner();
        var config = Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true).WithRunner(runner)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, (seed * 0x9E3779B97F4A7C15UL) | 1UL), FSharpOption<int>.None)));
        Check.One(config, property);
    }
}
