using System.CommandLine;
using Xsave.Cli.Composition;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Output;
using Xsave.Cli.Rendering;
using Xsave.Cli.Rendering.Html;
using Xsave.Cli.Reports;
using Xsave.Gate.Reports;
using Xsave.Gate.Running;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'check' (the main job): every applicable property against an implementation, the oracle as reference. Failures
/// are shrunk and stored in the regression corpus. Exit 0 all pass, 1 a property failed, 2 bad input, 130 when
/// interrupted (Ctrl-C) before finishing without a failure.
/// </summary>
public static class CheckCommand
{
    public const string Name = "check";

    /// <summary>The main job's time budget: about two minutes of checking in CI.</summary>
    public const double CiTimeBudgetSeconds = 120;

    /// <summary>128 + SIGINT, as shells report a Ctrl-C.</summary>
    public const int Interrupted = 130;

    public const string JUnitOption = "--junit";

    public sealed record Settings(CheckSettings Check, string? JUnit, bool Json, string? Html = null, string? ExpectedFailures = null);

    public const string ExpectedOption = "--expected-failures";

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Check every applicable property against an implementation (the main job).");
        Configure(command, context, mainJob: false);
        return command;
    }

    /// <summary>Adds the options and action to the 'check' verb, or to the root command with the CI defaults.</summary>
    public static void Configure(Command command, CliContext context, bool mainJob)
    {
        var impl = GateOptions.Implementation();
        var seed = new Option<ulong>("--seed")
        {
            Description = $"Run seed (default {CheckSettings.DefaultSeed}: every run checks the same cases). Each property derives its own seed from it.",
            HelpName = "N",
            DefaultValueFactory = _ => CheckSettings.DefaultSeed,
        };
        var maxTests = new Option<int?>("--max-tests")
        {
            Description = $"At most N cases per property (default {CheckSettings.DefaultMaxTests}, or unlimited under --time).",
            HelpName = "N",
        };
        var time = new Option<double?>("--time")
        {
            Description = "Time budget of the whole run in seconds, shared out over the properties" +
                          (mainJob ? $" (default {CiTimeBudgetSeconds} with no verb)." : "."),
            HelpName = "SECONDS",
            CustomParser = SecondsParser.Parse,
        };
        if (mainJob) time.DefaultValueFactory = _ => CiTimeBudgetSeconds;
        var property = new Option<string[]>("--property")
        {
            Description = "Only the properties matching GLOB ('*', '?'); repeatable or comma-separated.",
            HelpName = "GLOB",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only shard K of N (e.g. 2/4): the properties split round-robin over N CI jobs.",
            HelpName = "K/N",
        };
        var failFast = new Option<bool>("--fail-fast") { Description = "Stop at the first property that fails; the rest are reported skipped." };
        var corpus = GateOptions.Regressions();
        var cpus = GateOptions.Cpus();
        var junit = new Option<string?>(JUnitOption) { Description = "Also write the results as JUnit XML to FILE.", HelpName = "FILE" };
        var json = CommonOptions.Json();
        var html = HtmlOption.Create();
        var expected = new Option<string?>(ExpectedOption)
        {
            Description = "The table of known findings (expected failures) of implementations under test (default: <repo>/docs/findings/expected.json).",
            HelpName = "FILE",
        };
        foreach (var option in new Option[] { impl, seed, maxTests, time, property, shard, failFast, corpus, cpus, junit, json, html, expected })
            command.Options.Add(option);

        command.SetAction(parse => Run(context, new Settings(
            new CheckSettings
            {
                Implementation = parse.GetValue(impl),
                Seed = parse.GetValue(seed),
                MaxTests = parse.GetValue(maxTests),
                TimeBudget = parse.GetValue(time) is { } seconds ? SecondsParser.ToTimeSpan(seconds) : null,
                Properties = parse.GetValue(property) ?? [],
                Shard = parse.GetValue(shard),
                FailFast = parse.GetValue(failFast),
                RegressionDirectory = GateOptions.RegressionDirectory(parse.GetValue(corpus)),
                CpusDirectory = GateOptions.CpusDirectory(parse.GetValue(cpus), context),
            },
            parse.GetValue(junit), parse.GetValue(json), parse.GetValue(html), parse.GetValue(expected))));
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (!GateComposition.TryCreatePlan(settings.Check, GateOptions.Registry, FuzzCatalog.All, out var plan, out var error))
            return Refuse(context, error!.ToString());
        using var owned = plan!.Subject as IDisposable; // a child process is reaped when the check ends
        var expectedPath = ExpectedTable.Path(settings.ExpectedFailures);
        if (settings.ExpectedFailures is not null && !File.Exists(expectedPath))
            return Refuse(context, $"{ExpectedOption}: no such file: {expectedPath}");
        if (Gate.Expectations.ExpectedFailures.Load(expectedPath, out var tableError) is not { } table)
            return Refuse(context, tableError!.ToString());
        if (settings.JUnit is { } junitPath && OutputFile.Problem(junitPath, JUnitOption) is { } junitProblem)
            return Refuse(context, junitProblem);
        if (settings.Html is { } htmlPath && HtmlTarget.Problem(htmlPath) is { } htmlProblem)
            return Refuse(context, htmlProblem);

        // Held until the exit code is known: a second Ctrl-C while the table is printed must still list the failures.
        using var interrupt = new CtrlC(context.Error);
        var engine = new GateEngine();
        var report = settings.Json
            ? engine.Check(interrupt.Guard(plan!), interrupt.Watch(NoProgress.Instance), interrupt.Token)
            : CheckView.WithProgress(context, plan!, progress => engine.Check(interrupt.Guard(plan!), interrupt.Watch(progress), interrupt.Token));
        // Known findings of the subject (issue 13): an expected failure is reported as such and does not fail the run.
        report = Gate.Expectations.ExpectedFailures.Apply(report, table, ExpectedTable.VersionOf(plan!.Subject));

        if (settings.Json) JsonReport.Write(context.Out, CheckJson.From(report));
        else CheckView.Render(context, report);
        foreach (var problem in report.Regressions.Where(r => r.Message is not null))
            context.Error.WriteLine($"{(problem.File is null ? "error" : "warning")}: {problem.Path}: {problem.Message}");

        // A file that could not be written after all (the path changed during the run) is an error line; it never
        // hides a failure the run found.
        bool unwritten = false;
        if (settings.JUnit is { } path && OutputFile.Write(path, JUnitReport.Render(report), JUnitOption) is { } junitError)
            unwritten = Refuse(context, junitError) != 0;
        if (settings.Html is { } page && HtmlTarget.Write(page, CheckHtml.Render(report)) is { } htmlError)
            unwritten = Refuse(context, htmlError) != 0;
        if (report.Failed > 0) return ExitCodes.CheckFailed;
        if (unwritten) return ExitCodes.InputError;
        return report.Cancelled ? Interrupted : ExitCodes.Ok;
    }

    private static int Refuse(CliContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.InputError;
    }
}
