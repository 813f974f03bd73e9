using Xsave.Properties.Comparison;
using System.Globalization;
using System.Text;
using Xsave.Cli.Commands;
using Xsave.Gate.Regressions;
using static Xsave.Cli.Rendering.Html.HtmlText;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The 'explain' page: the case (law, rules, how it was found, input, events, failure) and the oracle's answer next
/// to the implementation's, field by field, each differing row with class "differs" and a visible '≠'. A mapping of
/// the <see cref="Explanation"/> the console and JSON views print; unlike the console, every field is listed.
/// </summary>
public static class ExplainHtml
{
    public const string Marker = "≠";

    public static string Render(Explanation e)
    {
        var r = e.Record;
        var body = new StringBuilder();
        body.Append($"<h1>Regression case<span class=\"sub\">{Escape(e.Property.Name)}</span></h1>\n");
        body.Append("<dl class=\"facts\">\n");
        body.Append(HtmlPage.Fact("file", $"<code>{Escape(GateOptions.Display(e.File))}</code>"));
        body.Append(HtmlPage.Fact("property", $"<code>{Escape(e.Property.Name)}</code> — {Escape(e.Property.Description)}"));
        body.Append(HtmlPage.Fact("rules", $"<span class=\"mono\">{Escape(string.Join(" ", e.Property.Rules))}</span>"));
        body.Append(HtmlPage.Fact("found", Escape(Found(r))));
        if (e.Recomputed)
            body.Append(HtmlPage.Fact("now", $"{Escape(e.ObservedBy)}: " + (e.Verdict is { } v
                ? HtmlPage.Badge(CheckHtml.Kind(v), v.Result())
                : "?")));
        body.Append("</dl>\n");

        body.Append("<h2>Input</h2>\n");
        body.Append($"<pre class=\"input\">{Escape(e.InputText)}</pre>\n");
        body.Append($"<h3>Events <span class=\"muted\">({Integer(e.Events.Count)})</span></h3>\n");
        body.Append(e.Events.Count == 0
            ? "<p class=\"muted\">None: this law's input is one case, not a sequence.</p>\n"
            : "<ol class=\"events\">" + string.Concat(e.Events.Select(ev => $"<li>{Escape(ev)}</li>")) + "</ol>\n");
        if (e.Failure is { } failure)
            body.Append($"<h3>Failure</h3>\n<pre class=\"message\">{Escape(failure.TrimEnd())}</pre>\n");

        body.Append("<h2>Oracle vs implementation</h2>\n");
        body.Append(Comparison(e));

        // Long (a whole CPU model): folded, so the comparison stays on the first screen. No script needed.
        body.Append("<h2>Input as stored</h2>\n<details><summary>the law's input JSON (authoritative: replay decodes it)</summary>\n");
        body.Append($"<pre class=\"stored\">{Escape(e.InputJson)}</pre>\n</details>\n");
        return HtmlPage.Document($"explain: {e.Property.Name}", body.ToString());
    }

    private static string Comparison(Explanation e)
    {
        if (e.Fields.Count == 0 || e.Fields.All(f => f.Expected is null && f.Observed is null) ||
            (e.Fields.Count == 1 && e.Fields[0] is { Expected: "null", Observed: "null" }))
            return "<p class=\"muted\">This law has no structured answer to compare; its failure above says what went wrong.</p>\n";

        var differing = e.Differing.Count();
        var table = new StringBuilder(
            $"<p>oracle (expected) vs <code>{Escape(e.ObservedBy)}</code> (observed{(e.Recomputed ? ", now" : ", as recorded")}): " +
            $"<b class=\"{(differing > 0 ? "differs-count" : "")}\">{Integer(differing)} of {Integer(e.Fields.Count)} fields differ</b></p>\n" +
            "<table class=\"diff\">\n<thead><tr><th></th><th>field</th><th>oracle (expected)</th>" +
            $"<th>{Escape(e.ObservedBy)} (observed)</th></tr></thead>\n<tbody>\n");
        foreach (var f in e.Fields)
        {
            table.Append(f.Differs ? "<tr class=\"field differs\">" : "<tr class=\"field\">");
            table.Append($"<td class=\"marker\" title=\"{(f.Differs ? "differs" : "equal")}\">{(f.Differs ? Marker : "")}</td>" +
                         $"<td>{Escape(f.Path)}</td><td class=\"expected\">{Value(f.Expected)}</td><td class=\"observed\">{Value(f.Observed)}</td></tr>\n");
        }
        return table.Append("</tbody>\n</table>\n").ToString();
    }

    private static string Value(string? text) => text is null ? "<span class=\"muted\">(absent)</span>" : Escape(text);

    private static string Found(RegressionRecord r)
    {
        var parts = new List<string> { $"{r.Implementation ?? "?"} vs {r.Reference ?? "oracle"}" };
        if (r.RunSeed is { } run) parts.Add($"run seed {run.ToString(CultureInfo.InvariantCulture)}");
        if (r.PropertySeed is { } seed) parts.Add($"property seed {seed.ToString(CultureInfo.InvariantCulture)}");
        if (r.Round is { } round) parts.Add($"round {Integer(round)}");
        if (r.Size is { } size) parts.Add($"size {Integer(size)}");
        if (r.Cases is { } cases) parts.Add($"after {Integer(cases)} cases");
        if (r.Shrinks is { } shrinks) parts.Add($"{Integer(shrinks)} shrinks");
        if (r.Date is { } date) parts.Add(date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        if (r.Tool is { } tool) parts.Add(tool);
        return string.Join(", ", parts);
    }
}
