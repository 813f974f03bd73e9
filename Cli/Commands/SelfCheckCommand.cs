using System.CommandLine;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Contract.Cpus;
using static Xsave.Cli.Composition.ImplementationRegistry;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'self-check': an implementation (the oracle unless --impl) against every corpus dump. For each profile, the
/// R14 standard size of the supported user set must equal CPUID.(0xD,0).ECX (R4), and some legal (XCR0, XSS) pair
/// must reproduce sub-leaf 0 EBX and sub-leaf 1 EBX (R4, R5, R15). Only clean profiles gate: exit 0 when all pass.
/// </summary>
public static class SelfCheckCommand
{
    public const string Name = "self-check";

    public sealed record Settings(string CorpusDirectory, bool Json, string? Implementation = null);

    public static Command Create(CliContext context)
    {
        var command = new Command(Name, "Check an implementation's size rules (the oracle's by default) against every corpus CPUID dump.");
        Configure(command, context);
        return command;
    }

    /// <summary>Adds the options and action to a command: the 'self-check' verb, or the root command (no verb).</summary>
    public static void Configure(Command command, CliContext context)
    {
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Cpus();
        var impl = ImplementationOption.Create(OracleName, "The implementation whose size rules are checked");
        command.Options.Add(json);
        command.Options.Add(corpus);
        command.Options.Add(impl);
        command.SetAction(parse => Run(context,
            new Settings(CorpusLocator.CpusDirectory(parse.GetValue(corpus), context.Environment), parse.GetValue(json), parse.GetValue(impl))));
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (ImplementationOption.Resolve(context, Name, settings.Implementation, OracleName, LayoutCommand.Needs) is not { } implementation)
            return ExitCodes.InputError;
        using var owned = implementation as IDisposable;
        var corpus = CpuCorpus.Load(settings.CorpusDirectory);
        if (corpus.Profiles.Count == 0)
        {
            if (!CorpusProblems.Report(context, corpus))
                context.Error.WriteLine($"error: no CPU profile loaded from {settings.CorpusDirectory}");
            return ExitCodes.InputError;
        }

        SelfCheckReport report;
        if (settings.Json)
        {
            report = SelfCheckReport.Build(corpus, implementation);
            JsonReport.Write(context.Out, report);
            CorpusProblems.Report(context, corpus);
        }
        else
        {
            report = SelfCheckView.WithProgress(context, corpus.Profiles.Count, settings.CorpusDirectory,
                onProfile => SelfCheckReport.Build(corpus, implementation, onProfile));
            SelfCheckView.Render(context, report);
        }

        if (!corpus.Ok) return ExitCodes.InputError;
        return report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
