using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Properties.Running;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'bench --laws N': every law of the gate's catalogue run against --impl (default optimized) in the gate's rounds of
/// 100, next to FsCheck's runner on a trivial property, in one process (issue 16's ratios): all of them warmed up for
/// --seconds each, then each measured for at least N cases and at least --seconds, in rounds alternating with rounds
/// of the trivial property (each law's ratio is over that baseline); the run's baseline is also measured before and
/// after them (the higher one reported).
/// </summary>
public static class BenchLaws
{
    public const int MaxCases = 1_000_000;

    public static int Run(CliContext context, BenchCommand.Settings settings, int cases)
    {
        if (cases is < 100 or > MaxCases)
        {
            context.Error.WriteLine($"error: --laws {cases} must be between 100 and {MaxCases} cases per law");
            return ExitCodes.InputError;
        }
        if (!GateComposition.TryCreateContext(GateOptions.Registry, settings.Implementation, settings.Profiles.CorpusDirectory,
                out var propertyContext, out var error))
        {
            context.Error.WriteLine($"error: {error}");
            return ExitCodes.InputError;
        }
        using var owned = propertyContext!.Subject as IDisposable;
        // The baseline first, in the fresh process; then every law warmed up (the laws share most of their code, the
        // kernels and the oracle, whose JIT tiering a law measured early would pay for; the fuzzers of the tool's own
        // input first, as the CLI code they load keeps the JIT busy for seconds), then every law measured, the fuzzers
        // last; then the baseline again. The higher of the two baselines is the one reported: ratios err low.
        var measure = TimeSpan.FromSeconds(settings.Seconds);
        var first = LawThroughput.Trivial(cases, measure, measure);
        var laws = FuzzCatalog.All.OrderBy(law => LawThroughput.Family(law) == "other" ? 0 : 1)
            .Where(law => LawThroughput.WarmUp(law, propertyContext, measure)).ToList();
        var rates = new List<LawRate>();
        foreach (var law in laws.OrderBy(law => LawThroughput.Family(law) == "other" ? 1 : 0))
            if (LawThroughput.Law(law, propertyContext, cases, measure) is { } rate) rates.Add(rate);
        var last = LawThroughput.Trivial(cases, measure, measure);
        var trivial = first.CasesPerSecond >= last.CasesPerSecond ? first : last;
        var report = LawThroughputReport.Build(propertyContext.Subject.Name, trivial, rates);
        if (settings.Json) JsonReport.Write(context.Out, report);
        else LawThroughputView.Render(context, report);
        return ExitCodes.Ok;
    }
}
