using Spectre.Console;
using Xsave.Cli.Reports;
using Xsave.Contract;

namespace Xsave.Cli.Rendering;

/// <summary>The self-check table and summary, and its progress display (live on a terminal, one plain line otherwise).</summary>
public static class SelfCheckView
{
    /// <summary>Runs <paramref name="work"/>, reporting progress as it calls back (index, total, profile id).</summary>
    public static T WithProgress<T>(CliContext context, int total, string corpus, Func<Action<int, int, string>, T> work)
    {
        if (!context.OutIsTerminal)
        {
            context.Out.WriteLine($"self-check: {total} profiles from {corpus}");
            return work((_, _, _) => { });
        }
        return Consoles.For(context).Progress().AutoClear(true).Start(progress =>
        {
            var task = progress.AddTask("self-check", maxValue: total);
            return work((index, _, id) =>
            {
                task.Description = Markup.Escape(id);
                task.Value = index;
            });
        });
    }

    public static void Render(CliContext context, SelfCheckReport report)
    {
        var console = Consoles.For(context);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("profile").AddColumn("clean").AddColumn("ECX check (R4)").AddColumn("EBX pair(s) (R4, R5)").AddColumn("verdict");
        foreach (var p in report.Profiles)
            table.AddRow(
                Consoles.Plain(p.Id),
                Consoles.Plain(p.Clean ? "yes" : "no"),
                Consoles.Plain(p.EcxOk ? $"ok 0x{p.DumpEcx:x}" : $"dump 0x{p.DumpEcx:x} != oracle 0x{p.OracleMaxStandardSize:x}"),
                Consoles.Plain(Pairs(p)),
                Verdict(p));
        console.Write(table);

        var s = report.Summary;
        console.WriteLine($"{s.Profiles} profiles: {s.Clean} clean ({s.CleanPassed} pass, {s.CleanFailed} fail), " +
                          $"{s.Profiles - s.Clean} not clean, not gating ({s.NotCleanPassed} pass, {s.NotCleanFailed} fail)" +
                          (s.LoadErrors > 0 ? $", {s.LoadErrors} files failed to load" : "") +
                          $". Self-check {(report.Passed ? "PASSED" : "FAILED")}.");
        foreach (var error in report.Errors) context.Error.WriteLine($"error: {error}");
    }

    private static string Pairs(ProfileCheck p)
    {
        if (p.Pairs.Count == 0) return $"none reproduces EBX0=0x{p.DumpEbx0:x} EBX1=0x{p.DumpEbx1:x}";
        // Show the likeliest pair (an OS enables every user bit it can and few supervisor ones); --json lists all.
        var shown = p.Pairs.OrderByDescending(pair => Bits(pair.Xcr0)).ThenBy(pair => Bits(pair.Xss)).First();
        var text = $"XCR0={shown.Xcr0} XSS={shown.Xss}";
        return p.Pairs.Count == 1 ? text : $"{text} (+{p.Pairs.Count - 1} more)";
    }

    private static int Bits(string hex) => FeatureMask.TryParseHex(hex, out var mask) ? mask.Count : 0;

    private static Text Verdict(ProfileCheck p) =>
        p.Passed ? Consoles.Plain("pass", new Style(Color.Green))
        : p.Gating ? Consoles.Plain("FAIL", new Style(Color.Red))
        : Consoles.Plain("fail (not clean)", new Style(Color.Yellow));
}
