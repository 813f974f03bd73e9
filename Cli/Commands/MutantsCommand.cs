using System.CommandLine;
using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Contract.Cpus;
using Xsave.Gate.Mutation;
using Xsave.Gate.Selection;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'mutants': the kill list. The default gate (100 cases per property, catalogue order, stopping at the first failure)
/// runs against every mutant of the catalogue with N run seeds; a mutant counts as caught only when every seed caught
/// it. Exit 0 when all are caught, 1 when one slipped through, 2 on bad input.
/// </summary>
public static class MutantsCommand
{
    public const string Name = "mutants";

    public const int DefaultSeeds = 20;

    public sealed record Settings(int Seeds, double? Seconds, IReadOnlyList<string> Mutants, bool Json, string CpusDirectory,
        string? Regressions, int Parallel);

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Run the default gate against every mutant with N seeds: what the suite catches, how fast, how small.");
        var seeds = new Option<int>("--seeds")
        {
            Description = $"Run seeds 1..N per mutant (default {DefaultSeeds}); a mutant is caught only when every seed catches it.",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultSeeds,
        };
        var time = new Option<double?>("--time")
        {
            Description = "Stop starting trials after this many seconds; a mutant whose seeds did not all run is not caught.",
            HelpName = "SECONDS",
            CustomParser = SecondsParser.Parse,
        };
        var mutant = new Option<string[]>("--mutant")
        {
            Description = "Only the mutants matching GLOB (with or without the 'mutant:' prefix); repeatable.",
            HelpName = "GLOB",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Trials run at once (default: the number of processors).",
            HelpName = "N",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var regressions = CommonOptions.Directory(GateOptions.RegressionsName,
            "Keep the shrunk counterexamples as regression files in DIR (default: a temporary directory, removed afterwards).");
        var cpus = GateOptions.Cpus();
        var json = CommonOptions.Json();
        foreach (var option in new Option[] { seeds, time, mutant, parallel, regressions, cpus, json }) command.Options.Add(option);
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(seeds), parse.GetValue(time), parse.GetValue(mutant) ?? [],
            parse.GetValue(json), GateOptions.CpusDirectory(parse.GetValue(cpus), context), parse.GetValue(regressions),
            parse.GetValue(parallel))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (settings.Seeds < 1) return Refuse(context, $"--seeds {settings.Seeds} must be at least 1");
        if (settings.Parallel < 1) return Refuse(context, $"--parallel {settings.Parallel} must be at least 1");
        if (settings.Seconds is <= 0) return Refuse(context, $"--time {settings.Seconds} must be more than 0 seconds");
        var mutants = MutantSpecs.Select(settings.Mutants, out var unknown);
        if (unknown is not null) return Refuse(context, unknown);

        var corpus = CpuCorpus.Load(settings.CpusDirectory);
        if (!corpus.Ok || corpus.Clean.Count == 0)
            return Refuse(context, corpus.Ok ? $"{settings.CpusDirectory}: no clean CPU profile" : string.Join("; ", corpus.Problems));

        var directory = settings.Regressions is { } kept ? Path.GetFullPath(kept)
            : Path.Combine(Path.GetTempPath(), $"xsave-mutants-{Environment.ProcessId}");
        try
        {
            var runner = new MutationRunner(FuzzCatalog.All, corpus.Clean.Select(p => p.ToCpuModel()).ToList(),
                ImplementationRegistry.Reference, directory);
            var seeds = Enumerable.Range(1, settings.Seeds).Select(s => (ulong)s).ToList();
            var budget = settings.Seconds is { } s ? SecondsParser.ToTimeSpan(s) : (TimeSpan?)null;
            using var interrupt = new CtrlC(context.Error);
            var report = settings.Json
                ? runner.Run(mutants, seeds, settings.Parallel, budget, null, interrupt.Token)
                : MutantsView.WithProgress(context, mutants.Count * seeds.Count,
                    done => runner.Run(mutants, seeds, settings.Parallel, budget, (_, _) => done(), interrupt.Token));
            if (settings.Json) JsonReport.Write(context.Out, MutantsJson.From(report));
            else MutantsView.Render(context, report, settings.Regressions is null ? null : directory);
            if (report.Cancelled) return CheckCommand.Interrupted;
            return report.AllCaught ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }
        finally
        {
            if (settings.Regressions is null && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static int Refuse(CliContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.InputError;
    }
}
