using Spectre.Console;
using Xsave.Cli.Reports;

namespace Xsave.Cli.Rendering;

/// <summary>The 'cpus' table: one row per corpus profile.</summary>
public static class CpuListingView
{
    public static void Render(CliContext context, CpuListing listing)
    {
        var console = Consoles.For(context);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("id").AddColumn("name").AddColumn("XCR0 supported").AddColumn("XSS supported")
            .AddColumn("clean").AddColumn("anomalies");
        foreach (var p in listing.Profiles)
            table.AddRow(
                Consoles.Plain(p.Id),
                Consoles.Plain(p.Name),
                Consoles.Plain(p.Xcr0Supported),
                Consoles.Plain(p.XssSupported),
                Consoles.Plain(p.Clean ? "yes" : "no", p.Clean ? Style.Plain : new Style(Color.Yellow)),
                Consoles.Plain(string.Join(", ", p.AnomalyCodes)));
        console.Write(table);
        int clean = listing.Profiles.Count(p => p.Clean);
        console.WriteLine($"{listing.Profiles.Count} profiles ({clean} clean) in {listing.Corpus}");
        foreach (var error in listing.Errors) context.Error.WriteLine($"error: {error}");
    }
}
