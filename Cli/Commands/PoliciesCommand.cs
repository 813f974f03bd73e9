using System.CommandLine;
using System.Text.Json.Serialization;
using Spectre.Console;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using static Xsave.Cli.Composition.ImplementationRegistry;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'policies': what each CET supervisor policy costs over the whole corpus — the default size of every task's fpstate
/// and of every guest fpstate per CPU (SPEC R39, R41), as an implementation boots them.
/// </summary>
public static class PoliciesCommand
{
    public const string Name = "policies";

    public sealed record Settings(string CorpusDirectory, bool Json, string? Implementation = null);

    /// <summary>The JSON document: the corpus directory and one row per profile.</summary>
    public sealed record PoliciesReport(
        [property: JsonPropertyName("corpus")] string Corpus,
        [property: JsonPropertyName("rows")] IReadOnlyList<PolicyCostRow> Rows);

    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Cpus();
        var impl = ImplementationOption.Create(OracleName, "The implementation that boots");
        var command = new Command(Name, "Host and guest default fpstate sizes of every corpus CPU under the three CET policies.")
        {
            json, corpus, impl,
        };
        command.SetAction(parse => Run(context,
            new Settings(CorpusLocator.CpusDirectory(parse.GetValue(corpus), context.Environment), parse.GetValue(json), parse.GetValue(impl))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (ImplementationOption.Resolve(context, Name, settings.Implementation, OracleName, ContractPart.LinuxBoot) is not { } implementation)
            return ExitCodes.InputError;
        using var owned = implementation as IDisposable;
        var corpus = CpuCorpus.Load(settings.CorpusDirectory);
        var rows = PolicyCosts.For(implementation, corpus.Profiles.Select(p => (p.Id, p.ToCpuModel())));

        if (settings.Json) JsonReport.Write(context.Out, new PoliciesReport(settings.CorpusDirectory, rows));
        else Render(context, rows);
        // A profile file that does not load is bad input: the table is shown, but the run is not clean.
        return CorpusProblems.Report(context, corpus) ? ExitCodes.InputError : ExitCodes.Ok;
    }

    private static void Render(CliContext context, IReadOnlyList<PolicyCostRow> rows)
    {
        var console = Consoles.For(context);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("cpu");
        foreach (var policy in new[] { "merged", "all-tasks", "none" })
        {
            table.AddColumn(new TableColumn($"{policy} host").RightAligned());
            table.AddColumn(new TableColumn($"{policy} guest").RightAligned());
        }
        foreach (var row in rows)
        {
            var cells = new List<Text> { Consoles.Plain(row.Id) };
            foreach (var cost in new[] { row.Merged, row.AllTasks, row.None })
            {
                cells.Add(Consoles.Plain(cost.Xsave ? cost.HostDefaultSize.ToString() : $"{cost.HostDefaultSize} (no XSAVE)"));
                cells.Add(Consoles.Plain(cost.GuestDefaultSize.ToString()));
            }
            table.AddRow(cells);
        }
        console.Write(table);
        int differ = rows.Count(r => r.Merged.HostDefaultSize != r.AllTasks.HostDefaultSize);
        console.WriteLine($"{rows.Count} CPUs; all-tasks enlarges every task's fpstate on {differ} of them.");
    }
}
