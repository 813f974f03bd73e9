using System.Text;
using Xsave.Gate;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The document skeleton shared by the three pages: one self-contained file with the style sheet inline, no scripts,
/// and a Content-Security-Policy that forbids every fetch, so the page renders the same offline and leaks nothing.
/// </summary>
public static class HtmlPage
{
    /// <summary>Only inline styles and data: images; no network, no scripts.</summary>
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    /// <param name="title">Plain text (escaped here).</param>
    /// <param name="body">Markup already built with escaped strings.</param>
    public static string Document(string title, string body)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append($"<meta http-equiv=\"Content-Security-Policy\" content=\"{Policy}\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append($"<meta name=\"generator\" content=\"{HtmlText.Escape(ToolInfo.Name + " " + ToolInfo.Version)}\">\n");
        html.Append($"<title>{HtmlText.Escape(title)}</title>\n<style>\n{HtmlStyle.Sheet}</style>\n</head>\n<body>\n<main>\n");
        html.Append(body);
        html.Append($"<footer>Made by {HtmlText.Escape(ToolInfo.Name)} {HtmlText.Escape(ToolInfo.Version)}.</footer>\n");
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A "label: value" row of a page's header block (value already markup).</summary>
    public static string Fact(string label, string valueMarkup) =>
        $"<dt>{HtmlText.Escape(label)}</dt><dd>{valueMarkup}</dd>\n";

    /// <summary>A verdict badge: "pass", "fail" or "skip" picks the colour.</summary>
    public static string Badge(string kind, string text) =>
        $"<span class=\"badge {kind}\">{HtmlText.Escape(text)}</span>";
}
