using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// 'explain --html' on regression files of the repository's corpus: the case, and the oracle's answer next to the
/// implementation's with the differing fields marked. Expected values are read from the files as plain JSON.
/// </summary>
public class ExplainHtmlTests
{
    [Fact]
    public void Explain_Html_MarksTheDifferingField_AndOnlyIt()
    {
        using var dir = new TempDirectory();
        using var doc = JsonDocument.Parse(File.ReadAllText(Pages.SizesRegression));
        var file = doc.RootElement;
        var (run, html) = Pages.Write(dir, "explain.html", "explain", Pages.SizesRegression);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);

        // Every field of the recorded answers is a row; a row differs exactly when the file's two answers do.
        var rows = Markup.Rows(html, "field");
        var expected = file.GetProperty("expected");
        var observed = file.GetProperty("observed");
        Assert.Equal(expected.EnumerateObject().Count(), rows.Count);
        foreach (var field in expected.EnumerateObject())
        {
            var row = rows.Single(r => Markup.Cells(r)[1] == field.Name);
            var cells = Markup.Cells(row);
            var theirs = observed.GetProperty(field.Name).GetRawText();
            Assert.Equal(field.Value.GetRawText(), cells[2]);
            Assert.Equal(theirs, cells[3]);
            bool differs = field.Value.GetRawText() != theirs;
            Assert.Equal(differs, row.StartsWith("<tr class=\"field differs\">", StringComparison.Ordinal));
            Assert.Equal(differs ? "≠" : "", cells[0]);
        }
        // This file records H13's wrong compacted size: exactly that field differs.
        Assert.Single(rows, r => r.Contains("differs\">") && Markup.Cells(r)[1] == "Compacted");
        Assert.Contains("1 of 2 fields differ", html);

        // The case itself: law, rules, input text, failure message.
        Assert.Contains(file.GetProperty("property").GetString()!, html);
        Assert.All(file.GetProperty("rules").EnumerateArray(), r => Assert.Contains(r.GetString()!, html));
        Assert.Contains(file.GetProperty("input_text").GetString()!, Markup.Decode(html));
        Assert.Contains(file.GetProperty("implementation").GetString()!, html);
        Pages.AssertSelfContained(html);
    }

    [Fact]
    public void Explain_Html_LinuxLaw_ListsTheEvents()
    {
        using var dir = new TempDirectory();
        using var doc = JsonDocument.Parse(File.ReadAllText(Pages.PermRegression));
        var (run, html) = Pages.Write(dir, "explain.html", "explain", Pages.PermRegression);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        // The file's input holds the sequence of operations; each is an item of the list, in order.
        var input = doc.RootElement.GetProperty("input");
        var events = new[] { "events", "operations", "ops", "steps", "sequence" }
            .Select(n => input.TryGetProperty(n, out var e) ? e : default).First(e => e.ValueKind == JsonValueKind.Array);
        var start = html.IndexOf("<ol class=\"events\">", StringComparison.Ordinal);
        Assert.True(start >= 0);
        var items = System.Text.RegularExpressions.Regex.Matches(html[start..html.IndexOf("</ol>", start, StringComparison.Ordinal)], "<li>").Count;
        Assert.Equal(events.GetArrayLength(), items);
    }

    [Fact]
    public void Explain_Html_CorruptFile_NoPage_OneLineError_Exit2()
    {
        using var dir = new TempDirectory();
        var bad = dir.Write("bad.json", "{\"format\": \"xsave-conformance/regression\", \"version\": 1, ");
        var page = Path.Combine(dir.Path, "explain.html");
        var run = CliRun.Of("explain", bad, "--html", page);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.StartsWith("error:", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(page));
    }
}
