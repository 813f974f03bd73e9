using System.CommandLine;
using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Gate;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'replay': re-checks stored regression files (the given ones, or every file of the corpus) against an
/// implementation. A file passes when the implementation now agrees with the oracle on its input. Exit 0 all pass,
/// 1 any fails, 2 any file is bad input (the others are still replayed).
/// </summary>
public static class ReplayCommand
{
    public const string Name = "replay";

    public sealed record Settings(IReadOnlyList<string> Files, string? Implementation, string RegressionDirectory, string CpusDirectory, bool Json);

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILES")
        {
            Description = "Regression files to replay (default: every file of the regression corpus).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var impl = GateOptions.Implementation();
        var corpus = GateOptions.Regressions();
        var cpus = GateOptions.Cpus();
        var json = CommonOptions.Json();
        var command = new Command(Name, "Re-run stored regression files against an implementation.") { files, impl, corpus, cpus, json };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(files) ?? [], parse.GetValue(impl),
            GateOptions.RegressionDirectory(parse.GetValue(corpus)), GateOptions.CpusDirectory(parse.GetValue(cpus), context), parse.GetValue(json))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (!GateComposition.TryCreateContext(GateOptions.Registry, settings.Implementation, settings.CpusDirectory, out var ctx, out var error))
        {
            context.Error.WriteLine($"error: {error}");
            return ExitCodes.InputError;
        }
        if (settings.Files.Count == 0 && !Directory.Exists(settings.RegressionDirectory))
        {
            // Nothing to replay because the directory is missing is a typo, not a green run.
            context.Error.WriteLine($"error: {settings.RegressionDirectory}: regression directory does not exist");
            return ExitCodes.InputError;
        }
        using var owned = ctx!.Subject as IDisposable;
        var files = settings.Files.Count > 0
            ? settings.Files.Select(Path.GetFullPath).ToList()
            : new RegressionStore(settings.RegressionDirectory).Files();

        var results = new List<ReplayResult>();
        var errors = new List<GateError>();
        foreach (var file in files)
        {
            if (RegressionCase.TryLoad(file, FuzzCatalog.All, out var loaded, out var bad)) results.Add(RegressionReplayer.Replay(loaded!, ctx!));
            else errors.Add(bad!);
        }

        var report = ReplayJson.From(ctx!.Subject.Name, settings.Files.Count > 0 ? null : settings.RegressionDirectory, results, errors);
        if (settings.Json) JsonReport.Write(context.Out, report);
        else ReplayView.Render(context, report, results);
        foreach (var bad in errors) context.Error.WriteLine($"error: {bad}");

        if (errors.Count > 0) return ExitCodes.InputError;
        return results.Any(r => r.Verdict.Fails()) ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }
}
