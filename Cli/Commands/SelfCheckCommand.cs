using System.CommandLine;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'self-check': the oracle against every corpus dump. For each profile, the
/// R14 standard size of the supported user set must equal CPUID.(0xD,0).ECX (R4), and some legal (XCR0, XSS) pair
/// must reproduce sub-leaf 0 EBX and sub-leaf 1 EBX (R4, R5, R15). Only clean profiles gate: exit 0 when all pass.
/// </summary>
public static class SelfCheckCommand
{
    public const string Name = "self-check";

    public sealed record Settings(string CorpusDirectory, bool Json);

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Check the oracle's size rules against every corpus CPUID dump.");
        Configure(command, context);
        return command;
    }

    /// <summary>Adds the options and action to a command: the 'self-check' verb, or the root command (no verb).</summary>
    public static void Configure(Command command, CliContext context)
    {
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Corpus();
        command.Options.Add(json);
        command.Options.Add(corpus);
        command.SetAction(parse =>
            Run(context, new Settings(CorpusLocator.CpusDirectory(parse.GetValue(corpus), context.Environment), parse.GetValue(json))));
    }

    public static int Run(CliContext context, Settings settings)
    {
        var loaded = new ProfileResolver(settings.CorpusDirectory).LoadCorpus();
        if (loaded.Profiles.Count == 0)
        {
            foreach (var error in loaded.Errors) context.Error.WriteLine($"error: {error}");
            context.Error.WriteLine($"error: no CPU profile loaded from {settings.CorpusDirectory}");
            return ExitCodes.InputError;
        }

        SelfCheckReport report;
        if (settings.Json)
        {
            report = SelfCheckReport.Build(settings.CorpusDirectory, loaded);
            JsonReport.Write(context.Out, report);
        }
        else
        {
            report = SelfCheckView.WithProgress(context, loaded.Profiles.Count, settings.CorpusDirectory,
                onProfile => SelfCheckReport.Build(settings.CorpusDirectory, loaded, onProfile));
            SelfCheckView.Render(context, report);
        }

        if (loaded.Errors.Count > 0) return ExitCodes.InputError;
        return report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
