using System.CommandLine;
using Xsave.Cli.Rendering;
using Xsave.Cli.Profiles;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Gate.Regressions;
using Xsave.Scenarios;
using Xsave.Scenarios.Conversion;
using Xsave.Scenarios.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'scenario': runs hand-written scenario files (corpus/scenarios/*.yaml) on the oracle and an implementation, checks
/// every step's expectations and the agreement of the two, and reports per step. With --from-regression FILE it prints
/// the scenario form of a kernel-law regression file instead. Exit 0 all pass (or skip), 1 any fails, 2 bad input
/// (unknown implementation, missing path, malformed scenario — the other files still run).
/// </summary>
public static class ScenarioCommand
{
    public const string Name = "scenario";

    public sealed record Settings(IReadOnlyList<string> Paths, string? Implementation, string CpusDirectory, bool Json, string? FromRegression);

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("FILE_OR_DIR")
        {
            Description = "Scenario files or directories (default: <repo>/corpus/scenarios).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var impl = GateOptions.Implementation();
        var cpus = GateOptions.Cpus();
        var json = CommonOptions.Json();
        var fromRegression = new Option<string?>("--from-regression")
        {
            Description = "Print the scenario form of this regression file (a kernel law's) and exit.",
            HelpName = "FILE",
        };
        var command = new Command(Name, "Run scenario files (hand-written cases) on the oracle and an implementation.") { paths, impl, cpus, json, fromRegression };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(paths) ?? [], parse.GetValue(impl),
            GateOptions.CpusDirectory(parse.GetValue(cpus), context), parse.GetValue(json), parse.GetValue(fromRegression))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        var suite = new ScenarioSuite(CpuCorpus.Load(settings.CpusDirectory), Composition.ImplementationRegistry.Reference);
        if (settings.FromRegression is { } regression) return Convert(context, suite, regression);

        var lookup = GateOptions.Registry.Resolve(settings.Implementation);
        if (lookup.Implementation is null)
        {
            context.Error.WriteLine($"error: {lookup.Error}");
            return ExitCodes.InputError;
        }
        var name = string.IsNullOrWhiteSpace(settings.Implementation) ? lookup.Implementation.Name : settings.Implementation.Trim();
        using var owned = lookup.Implementation as IDisposable;
        // A process implementation is one child for the whole run (it restarts itself when it dies).
        IXstateImplementation Subject() => owned as IXstateImplementation ?? GateOptions.Registry.Resolve(name).Implementation!;

        var roots = settings.Paths.Count > 0 ? settings.Paths : [DefaultDirectory()];
        var (files, missing) = ScenarioSuite.Expand(roots);
        var results = suite.Run(files, Subject);

        if (settings.Json) context.Out.WriteLine(ScenarioReport.ToJson(results).ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        else ScenarioView.Render(context, name, results);
        foreach (var m in missing) context.Error.WriteLine($"error: '{m}': no such file or directory");
        foreach (var r in results.Where(r => r.Error is not null)) context.Error.WriteLine($"error: {r.Error}");
        bool badCorpus = CorpusProblems.Report(context, suite.Corpus);

        if (badCorpus || missing.Count > 0 || results.Any(r => r.Error is not null)) return ExitCodes.InputError;
        return results.Any(r => r.Verdict.Fails()) ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }

    public static string DefaultDirectory() =>
        Path.Combine(Profiles.CorpusLocator.RepositoryRoot() ?? Directory.GetCurrentDirectory(), "corpus", "scenarios");

    private static int Convert(CliContext context, ScenarioSuite suite, string file)
    {
        if (!RegressionFile.TryRead(Path.GetFullPath(file), out var record, out var error))
        {
            context.Error.WriteLine($"error: {error}");
            return ExitCodes.InputError;
        }
        if (!RegressionToScenario.TryConvert(record!, Path.GetFileName(file), suite.Cpu, out var yaml, out var message))
        {
            context.Error.WriteLine($"error: {message}");
            return ExitCodes.InputError;
        }
        context.Out.Write(yaml);
        return ExitCodes.Ok;
    }
}
