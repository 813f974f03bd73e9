using System.Collections.Concurrent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Gate.Running;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Mutation;

/// <summary>
/// The suite's power, measured: the default gate (the same properties, 100 cases each, catalogue order) run against
/// each mutant with each run seed, stopping at the first failure. Trials are independent (a fresh mutant and oracle
/// each, one corpus shared read-only), so they run in parallel. Under a time budget, trials not started in time are
/// left out and their mutant cannot count as caught.
/// </summary>
public sealed class MutationRunner(IReadOnlyList<ConformanceProperty> catalogue, IReadOnlyList<CpuModel> corpus,
    Func<IXstateImplementation> reference, string regressionDirectory)
{
    public MutationReport Run(IReadOnlyList<MutantSpec> mutants, IReadOnlyList<ulong> seeds, int parallelism,
        TimeSpan? budget = null, Action<MutantSpec, MutantTrial>? finished = null, CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trials = new ConcurrentDictionary<(int Mutant, int Seed), MutantTrial>();
        var work = from m in Enumerable.Range(0, mutants.Count) from s in Enumerable.Range(0, seeds.Count) select (m, s);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellation };
        try
        {
            Parallel.ForEach(work, options, (job, state) =>
            {
                if (budget is { } b && clock.Elapsed >= b) { state.Stop(); return; }
                var trial = Trial(mutants[job.m], seeds[job.s]);
                trials[job] = trial;
                finished?.Invoke(mutants[job.m], trial);
            });
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Reported below with the trials that finished.
        }

        var results = mutants.Select((m, i) => new MutantResult(m, seeds.Count,
            Enumerable.Range(0, seeds.Count).Where(s => trials.ContainsKey((i, s))).Select(s => trials[(i, s)]).ToList())).ToList();
        return new MutationReport(started, clock.Elapsed, seeds, results, cancellation.IsCancellationRequested);
    }

    private MutantTrial Trial(MutantSpec mutant, ulong seed)
    {
        var subject = mutant.Create();
        try
        {
            var settings = new CheckSettings
            {
                Implementation = mutant.Id,
                Seed = seed,
                MaxTests = CheckSettings.DefaultMaxTests,
                FailFast = true,
                RegressionDirectory = regressionDirectory,
                CpusDirectory = "(shared corpus)",
            };
            var context = new PropertyContext(subject, reference(), corpus);
            if (!CheckPlan.TryCreate(settings, context, catalogue, out var plan, out var error))
                throw new InvalidOperationException($"{mutant.Id}: {error}");
            var report = new GateEngine().Check(plan!);
            var failed = report.Properties.FirstOrDefault(p => p.Verdict.Fails());
            var ran = report.Properties.TakeWhile(p => !ReferenceEquals(p, failed)).Sum(p => p.Cases) + (failed?.Cases ?? 0);
            var elapsed = report.Properties.TakeWhile(p => !ReferenceEquals(p, failed))
                .Aggregate(failed?.Elapsed ?? TimeSpan.Zero, (sum, p) => sum + p.Elapsed);
            return new MutantTrial(seed, failed is not null, failed?.Name, ran, elapsed, failed?.Failure?.Size,
                failed?.Verdict == Verdict.HarnessError);
        }
        finally
        {
            (subject as IDisposable)?.Dispose();
        }
    }
}
