using System.Text.Json;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// 'check --html' against the H13 mutant (compacted offsets without the 64-byte alignment, SPEC part E): every
/// property is on the page with its verdict, and each failure with its counterexample and its regression file.
/// </summary>
public class CheckHtmlTests
{
    [Fact]
    public void Check_Html_ListsEveryProperty_AndEachFailuresCounterexample()
    {
        using var dir = new TempDirectory();
        var corpus = Path.Combine(dir.Path, "regressions");
        // --json at the same time: the JSON view of the same run says which properties ran and how they ended.
        var (run, html) = Pages.Write(dir, "check.html", "check", "--impl", GateFiles.H13, "--property", "layout.*",
            "--max-tests", "50", "--regressions", corpus, "--json");
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var properties = GateFiles.Properties(run.Json());
        Assert.Contains(properties.Values, p => p.GetProperty("result").GetString() == "failed");

        var rows = Markup.Elements(html, "tr").Where(r => r.HasClass("property")).ToList();
        Assert.Equal(properties.Keys.Order(), rows.Select(r => r["data-property"]).Order());
        foreach (var (name, json) in properties)
        {
            var row = Markup.Rows(html, "property").Single(r => r.Contains($"data-property=\"{name}\""));
            var cells = Markup.Cells(row);
            var result = json.GetProperty("result").GetString()!;
            Assert.Equal(name, cells[0]);
            Assert.Equal(string.Join(" ", json.GetProperty("rules").EnumerateArray().Select(r => r.GetString())), cells[1]);
            Assert.Equal(result, cells[2]);
            Assert.Equal(json.GetProperty("cases").GetInt32().ToString(), cells[3]);
            Assert.EndsWith(" s", cells[4]);
            Assert.Equal(json.GetProperty("reason").GetString() ?? "", cells[5]);
            // The verdict picks the colour: pass / fail / skip.
            Assert.Contains($"class=\"badge {result[..4]}\"", row);
        }

        // Each failure: the regression file the gate wrote, its input text and message on the page.
        foreach (var (name, json) in properties.Where(p => p.Value.GetProperty("result").GetString() == "failed"))
        {
            var file = json.GetProperty("regression_file").GetString()!;
            Assert.StartsWith(corpus, Path.GetFullPath(file));
            using var saved = JsonDocument.Parse(File.ReadAllText(file));
            var section = Section(html, name);
            Assert.Contains(Escape(saved.RootElement.GetProperty("input_text").GetString()!), section);
            Assert.Contains(Escape(Path.GetFileName(file)), section);
            Assert.Contains("<pre class=\"message\">", section);
        }
        Assert.Contains("Gate FAILED", html);
        Pages.AssertSelfContained(html);
    }

    [Fact]
    public void Check_Html_WithoutFailures_NoFailureSection_GatePassed()
    {
        using var dir = new TempDirectory();
        var (run, html) = Pages.Write(dir, "check.html", "check", "--property", "layout.standard.*", "--max-tests", "20",
            "--regressions", Path.Combine(dir.Path, "regressions"));
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.All(Markup.Elements(html, "tr").Where(r => r.HasClass("property")), r => Assert.Equal("pass", r["data-verdict"]));
        Assert.DoesNotContain("<section class=\"failure\"", html);
        Assert.Contains("Gate PASSED", html);
    }

    /// <summary>The failure section of one property.</summary>
    private static string Section(string html, string property)
    {
        int start = html.IndexOf($"<section class=\"failure\" id=\"failure-{property}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no failure section for {property}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")
        .Replace("\"", "&quot;").Replace("'", "&#39;");
}
