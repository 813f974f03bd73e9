using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Properties.Running;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'bench --laws N': every law of the gate's catalogue run against --impl (default optimized) in the gate's rounds of
/// 100, next to FsCheck's runner on a trivial property, in one process (issue 16's ratios): each warmed up for half of
/// --seconds, then measured for at least N cases and at least --seconds.
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
        var measure = TimeSpan.FromSeconds(settings.Seconds);
        var trivial = LawThroughput.Trivial(cases, measure);
        var rates = new List<LawRate>();
        foreach (var law in FuzzCatalog.All)
            if (LawThroughput.Law(law, propertyContext, cases, measure) is { } rate) rates.Add(rate);
        var report = LawThroughputReport.Build(propertyContext.Subject.Name, trivial, rates);
        if (settings.Json) JsonReport.Write(context.Out, report);
        else LawThroughputView.Render(context, report);
        return ExitCodes.Ok;
    }
}
