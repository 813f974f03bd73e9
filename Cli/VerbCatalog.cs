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
    ];

    /// <summary>The verb the root command runs when none is given (the gate, once it exists).</summary>
    public const string MainJobName = SelfCheckCommand.Name;

    public static void ConfigureMainJob(RootCommand root, CliContext context) => SelfCheckCommand.Configure(root, context);
}
