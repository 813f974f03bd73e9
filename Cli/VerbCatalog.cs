using System.CommandLine;
using Xsave.Cli.Commands;

namespace Xsave.Cli;

/// <summary>
/// Every verb of the runner, in the order --help lists them. A new verb is one file in Commands/ and one line here.
/// </summary>
public static class VerbCatalog
{
    public static IReadOnlyList<Command> All(CliContext context) =>
    [
        CpusCommand.Create(context),
        LayoutCommand.Create(context),
        BootCommand.Create(context),
        PoliciesCommand.Create(context),
        SelfCheckCommand.Create(context),
        CheckCommand.Create(context),
        ReplayCommand.Create(context),
        ExplainCommand.Create(context),
        BenchCommand.Create(context),
        MutantsCommand.Create(context),
        ScenarioCommand.Create(context),
        ServeCommand.Create(context),
        KernelCommand.Create(context),
    ];

    /// <summary>The verb the root command runs when none is given: the gate, with the CI defaults (--time 120).</summary>
    public const string MainJobName = CheckCommand.Name;

    public static void ConfigureMainJob(RootCommand root, CliContext context) => CheckCommand.Configure(root, context, mainJob: true);
}
