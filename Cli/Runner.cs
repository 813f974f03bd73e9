using System.CommandLine;
using System.CommandLine.Help;

namespace Xsave.Cli;

/// <summary>
/// Parses the command line, runs the verb and maps the outcome to an exit code (<see cref="ExitCodes"/>). Usage errors
/// are one line each on stderr (exit 2); an unexpected exception is one line (exit 3), with the stack trace only under
/// --verbose or XSAVE_DEBUG=1.
/// </summary>
public static class Runner
{
    public static int Run(string[] args) => Run(args, CliContext.ForProcess());

    /// <summary>In-process entry for tests: stdout and stderr go to the given writers; stdout is not a terminal.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, new CliContext(stdout, stderr, OutIsTerminal: false, Environment.GetEnvironmentVariable));

    public static int Run(string[] args, CliContext context)
    {
        // Messages quote what the user gave (ids, paths, values): never with raw control characters or line breaks.
        context = context with { Error = new OneLineWriter(context.Error) };
        bool verbose = args.Contains(CommonOptions.VerboseName) || context.DebugRequested;
        context = context with { Verbose = verbose };
        try
        {
            if (ArgumentChecks.Problem(args) is { } problem)
            {
                context.Error.WriteLine($"error: {problem}");
                return ExitCodes.InputError;
            }
            var root = BuildRootCommand(context);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
            {
                foreach (var error in parse.Errors) context.Error.WriteLine($"error: {ParseErrors.Friendly(error.Message)}");
                context.Error.WriteLine("Run with --help for usage.");
                return ExitCodes.InputError;
            }
            using var processOptions = Composition.ProcessImplementations.Use(new(
                parse.GetValue<double?>(CommonOptions.ImplTimeout().Name), parse.GetValue<string[]>(CommonOptions.ImplArg().Name) ?? []));
            return parse.Invoke(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"internal error: {e.GetType().Name}: {FirstLine(e.Message)}" +
                                    (verbose ? "" : " (rerun with --verbose or XSAVE_DEBUG=1 for the stack trace)"));
            if (verbose) context.Error.WriteLine(e.ToString());
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The root command: every verb of <see cref="VerbCatalog"/>, and the main job when no verb is given.</summary>
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "xsave-conformance: reference oracle and conformance runner for the x86 XSAVE architecture and the Linux " +
            "FPU/KVM xstate policy. With no verb it runs the main job (" + VerbCatalog.MainJobName + ").");
        root.Options.Add(CommonOptions.Verbose());
        root.Options.Add(CommonOptions.ImplTimeout());
        root.Options.Add(CommonOptions.ImplArg());
        foreach (var verb in VerbCatalog.All(context)) root.Subcommands.Add(verb);
        VerbCatalog.ConfigureMainJob(root, context);
        return root;
    }

    private static string FirstLine(string text)
    {
        var cut = text.IndexOfAny(['\r', '\n']);
        return cut < 0 ? text : text[..cut];
    }
}
