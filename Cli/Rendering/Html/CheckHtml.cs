using Xsave.Properties.Comparison;
using System.Globalization;
using System.Text;
using Xsave.Cli.Commands;
using Xsave.Cli.Reports;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using static Xsave.Cli.Rendering.Html.HtmlText;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The 'check' page: the run's settings and totals, every property (name, all its rules, verdict, cases, time,
/// reason), and each failure's counterexample with the regression file that documents it. A mapping of the
/// <see cref="CheckReport"/> the table, JSON and JUnit views are made from.
/// </summary>
public static class CheckHtml
{
    public static string Render(CheckReport report)
    {
        var body = new StringBuilder();
        body.Append($"<h1>Conformance check<span class=\"sub\">{Escape(report.Implementation)} vs oracle</span></h1>\n");
        body.Append("<dl class=\"facts\">\n");
        body.Append(HtmlPage.Fact("implementation", $"<code>{Escape(report.Implementation)}</code> (reference: oracle)"));
        body.Append(HtmlPage.Fact("seed", $"<code>{report.Seed.ToString(CultureInfo.InvariantCulture)}</code>"));
        if (report.Shard.Count > 1) body.Append(HtmlPage.Fact("shard", Escape(report.Shard.ToString())));
        if (report.MaxTests is { } max) body.Append(HtmlPage.Fact("cases", $"up to {Integer(max)} per property"));
        if (report.TimeBudget is { } budget) body.Append(HtmlPage.Fact("time budget", Escape(Seconds(budget))));
        body.Append(HtmlPage.Fact("started", Escape(report.Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))));
        body.Append(HtmlPage.Fact("elapsed", Escape(Seconds(report.Elapsed))));
        body.Append("</dl>\n");

        var (kind, verdict) = report.Failed > 0 ? ("fail", "Gate FAILED") : report.Cancelled ? ("skip", "Gate INTERRUPTED") : ("pass", "Gate PASSED");
        body.Append($"<div class=\"verdict {kind}\">{verdict}</div>\n");
        body.Append("<div class=\"summary\">" +
                    $"<div class=\"tile\"><b>{Integer(report.Properties.Count)}</b>properties</div>" +
                    $"<div class=\"tile pass\"><b>{Integer(report.Passed)}</b>passed</div>" +
                    $"<div class=\"tile fail\"><b>{Integer(report.Failed)}</b>failed</div>" +
                    $"<div class=\"tile skip\"><b>{Integer(report.Skipped)}</b>skipped</div></div>\n");

        body.Append("<h2>Properties</h2>\n<table class=\"properties\">\n<thead><tr><th>property</th><th>rules</th><th>result</th>" +
                    "<th class=\"num\">cases</th><th class=\"num\">time</th><th>reason</th></tr></thead>\n<tbody>\n");
        foreach (var p in report.Properties) body.Append(Row(p));
        body.Append("</tbody>\n</table>\n");

        var failures = report.Properties.Where(p => p.Verdict.Fails()).ToList();
        if (failures.Count > 0)
        {
            body.Append("<h2>Failures</h2>\n");
            foreach (var p in failures) body.Append(Failure(report, p));
        }
        return HtmlPage.Document($"check: {report.Implementation} vs oracle", body.ToString());
    }

    /// <summary>The badge class of a verdict; the words are those of the JSON report.</summary>
    /// <summary>The CSS class of a verdict's badge.</summary>
    public static string Kind(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "pass",
        Verdict.Diverge or Verdict.HarnessError => "fail",
        Verdict.NotApplicable => "skip",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    private static string Row(PropertyReport p)
    {
        // An expected failure (a known finding) is shown as a skip-coloured "expected-failure", naming the finding.
        var kind = p.IsExpectedFailure ? "skip" : Kind(p.Verdict);
        // A failed property's name links to its counterexample below.
        var name = p.Verdict.Fails()
            ? $"<a class=\"mono\" href=\"#{Anchor(p.Name)}\">{Escape(p.Name)}</a>"
            : $"<span class=\"mono\">{Escape(p.Name)}</span>";
        return $"<tr class=\"property {kind}\" data-property=\"{Escape(p.Name)}\" data-verdict=\"{kind}\">" +
               $"<td class=\"name\">{name}</td><td class=\"mono rules\">{Escape(string.Join(" ", p.Rules))}</td>" +
               $"<td>{HtmlPage.Badge(kind, p.IsExpectedFailure ? CheckJson.ExpectedFailureResult : CheckJson.Result(p.Verdict))}</td>" +
               $"<td class=\"num\">{Integer(p.Cases)}</td><td class=\"num\">{Escape(Seconds(p.Elapsed))}</td>" +
               $"<td class=\"reason\">{Escape(p.Expectation is { } x ? x.Note + ": " + p.Reason : p.Reason)}</td></tr>\n";
    }

    private static string Failure(CheckReport report, PropertyReport p)
    {
        var section = new StringBuilder($"<section class=\"failure\" id=\"{Anchor(p.Name)}\" data-property=\"{Escape(p.Name)}\">\n");
        section.Append($"<h3>{Escape(p.Name)} FAILED</h3>\n<dl class=\"facts\">\n");
        if (p.Failure is { } f)
        {
            section.Append(HtmlPage.Fact("input", $"<pre class=\"input\">{Escape(f.InputText)}</pre>"));
            if (f.OriginalText is { } original && original != f.InputText)
                section.Append(HtmlPage.Fact("before shrinking", $"<pre>{Escape(original)}</pre>"));
            if (f.Message is { } message) section.Append(HtmlPage.Fact("message", $"<pre class=\"message\">{Escape(message.TrimEnd())}</pre>"));
            section.Append(HtmlPage.Fact("found at", Escape(
                $"property seed {f.PropertySeed.ToString(CultureInfo.InvariantCulture)}, round {Integer(f.Round)}, after {Integer(p.Cases)} cases, {Integer(f.Shrinks)} shrinks" +
                (f.Replay is { } r ? $"; FsCheck replay (seed, gamma, size) = ({r.Seed.ToString(CultureInfo.InvariantCulture)}, {r.Gamma.ToString(CultureInfo.InvariantCulture)}, {Integer(r.Size)})" : ""))));
        }
        if (p.Reason is { } reason && p.Failure?.Message is null) section.Append(HtmlPage.Fact("reason", Escape(reason)));
        if (p.Regression is { File: { } file } saved)
        {
            var shown = GateOptions.Display(file);
            section.Append(HtmlPage.Fact("saved", $"<code class=\"regression\">{Escape(shown)}</code> " +
                                                  $"<span class=\"muted\">({(saved.Status == SaveStatus.Written ? "new" : "already known")})</span>"));
            section.Append(HtmlPage.Fact("replay", $"<code>{Escape($"./run-conformance.sh replay {shown} --impl {GateOptions.ShellWord(report.Implementation)}")}</code>"));
            section.Append(HtmlPage.Fact("explain", $"<code>{Escape($"./run-conformance.sh explain {shown}")}</code>"));
        }
        else if (p.Regression is { } problem)
            section.Append(HtmlPage.Fact("not saved", Escape($"{problem.Path}: {problem.Message}")));
        return section.Append("</dl>\n</section>\n").ToString();
    }

    /// <summary>A fragment id from a property name (names are dotted words, but nothing is assumed).</summary>
    private static string Anchor(string name) =>
        "failure-" + new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
}
