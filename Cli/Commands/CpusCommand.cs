using System.CommandLine;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Contract.Cpus;

namespace Xsave.Cli.Commands;

/// <summary>'cpus': list the corpus profiles (id, name, supported XCR0/XSS, clean, anomalies).</summary>
public static class CpusCommand
{
    public const string Name = "cpus";

    public sealed record Settings(string CorpusDirectory, bool Json);

    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Cpus();
        var command = new Command(Name, "List the CPU profiles of the corpus: id, name, supported XCR0/XSS, clean, anomalies.")
        {
            json, corpus,
        };
        command.SetAction(parse =>
            Run(context, new Settings(CorpusLocator.CpusDirectory(parse.GetValue(corpus), context.Environment), parse.GetValue(json))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        var listing = CpuListing.Build(CpuCorpus.Load(settings.CorpusDirectory));

        if (settings.Json)
        {
            JsonReport.Write(context.Out, listing);
            foreach (var error in listing.Errors) context.Error.WriteLine($"error: {error}");
        }
        else CpuListingView.Render(context, listing);

        // A file that does not load is bad input: the listing is shown, but the run is not clean.
        return listing.Errors.Count == 0 ? ExitCodes.Ok : ExitCodes.InputError;
    }
}
