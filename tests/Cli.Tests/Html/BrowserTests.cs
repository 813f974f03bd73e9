using System.Buffers.Binary;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// The pages in a real browser: headless Chromium parses them into the DOM the tests expect (strips, table rows, the
/// differing-field marker) and renders a screenshot. Where Chromium is not installed the tests are reported as
/// skipped with the reason (.ci/run installs it when it can).
/// </summary>
public class BrowserTests
{
    private static string Chromium()
    {
        var chromium = Browser.Find();
        Skip.If(chromium is null, "chromium is not installed (Debian: apt-get install chromium); the browser tests need it");
        return chromium!;
    }

    [SkippableFact]
    public void Chromium_LayoutPage_HasTheStripsAndTheTable_AndRendersAScreenshot()
    {
        var chromium = Chromium();
        using var dir = new TempDirectory();
        var (_, _) = Pages.Write(dir, "layout.html", "layout", "--cpu", Pages.Spr);
        var page = Path.Combine(dir.Path, "layout.html");

        var dom = Browser.DumpDom(chromium, page, Path.Combine(dir.Path, "profile"));
        // The browser's serialisation of the parsed document: one rect per component per format, from the dump.
        foreach (var (format, expected) in new[] { ("standard", DumpLayout.Standard(Pages.Spr)), ("compacted", DumpLayout.Compacted(Pages.Spr)) })
        {
            var rects = Markup.Elements(dom, "rect").Where(r => r.HasClass("component") && r["data-format"] == format);
            Assert.Equal(expected.Keys.Order(), rects.Select(r => r.Integer("data-index")).Order());
        }
        Assert.Single(Markup.Elements(dom, "rect"), r => r.HasClass("pad") && r["data-format"] == "compacted");
        var rows = Markup.Elements(dom, "tr").Where(r => r.Attributes.ContainsKey("data-index"));
        Assert.Equal(DumpLayout.Compacted(Pages.Spr).Count, rows.Count());

        AssertScreenshot(chromium, page, dir);
    }

    [SkippableFact]
    public void Chromium_ExplainPage_HasTheDifferingFieldMarker_AndRendersAScreenshot()
    {
        var chromium = Chromium();
        using var dir = new TempDirectory();
        Pages.Write(dir, "explain.html", "explain", Pages.SizesRegression);
        var page = Path.Combine(dir.Path, "explain.html");

        var dom = Browser.DumpDom(chromium, page, Path.Combine(dir.Path, "profile"));
        var differing = Assert.Single(Markup.Rows(dom, "differs"));
        var cells = Markup.Cells(differing);
        Assert.Equal("≠", cells[0]);
        Assert.Equal("Compacted", cells[1]);

        AssertScreenshot(chromium, page, dir);
    }

    [SkippableFact]
    public void Chromium_CheckPage_HasARowPerProperty()
    {
        var chromium = Chromium();
        using var dir = new TempDirectory();
        var (run, _) = Pages.Write(dir, "check.html", "check", "--impl", GateFiles.H13, "--property", "layout.sizes.*",
            "--max-tests", "50", "--regressions", Path.Combine(dir.Path, "regressions"), "--json");
        var page = Path.Combine(dir.Path, "check.html");
        var dom = Browser.DumpDom(chromium, page, Path.Combine(dir.Path, "profile"));
        var names = GateFiles.Properties(run.Json()).Keys.Order();
        Assert.Equal(names, Markup.Elements(dom, "tr").Where(r => r.HasClass("property")).Select(r => r["data-property"]).Order());
        Assert.Contains("<section class=\"failure\"", dom);
    }

    /// <summary>A PNG of the window size (1400 px wide per its IHDR chunk) and more than a blank page's few bytes.</summary>
    private static void AssertScreenshot(string chromium, string page, TempDirectory dir)
    {
        var png = Path.Combine(dir.Path, "shot.png");
        Browser.Screenshot(chromium, page, png, Path.Combine(dir.Path, "profile"));
        var bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(1400, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.True(bytes.Length > 20_000, $"screenshot of {bytes.Length} bytes: a blank page?");
    }
}
