using System.Text.Json.Nodes;
using Xsave.Cli.Reports;
using Xsave.Cli.Rendering.Html;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// 'layout --html': the strips are drawn to scale from the layouts of the CPUID dump (SPEC R12, R14, R15, worked out
/// in <see cref="DumpLayout"/>), gaps and alignment padding are visible, and nothing in the page is fetched.
/// </summary>
public class LayoutHtmlTests
{
    private const string Spr = Pages.Spr;
    private const int TileCfg = 17, Lbr = 15;

    private static IReadOnlyList<Markup.Element> Components(string html, string format) =>
        Markup.Elements(html, "rect").Where(r => r.HasClass("component") && r["data-format"] == format).ToList();

    [Fact]
    public void Layout_Html_OneRectPerComponentPerFormat_AtOffsetsAndSizesOfTheDump()
    {
        using var dir = new TempDirectory();
        var (run, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        // The normal output is still printed.
        Assert.Contains("total size", run.Stdout);

        foreach (var (format, expected) in new[] { ("standard", DumpLayout.Standard(Spr)), ("compacted", DumpLayout.Compacted(Spr)) })
        {
            var rects = Components(html, format);
            Assert.Equal(expected.Keys.Order(), rects.Select(r => r.Integer("data-index")).Order());
            foreach (var r in rects)
                Assert.Equal(expected[r.Integer("data-index")], (r.Integer("data-offset"), r.Integer("data-size")));
        }
    }

    [Fact]
    public void Layout_Html_WidthsAndPositionsAreProportionalToTheCpuidSizes_OneScaleForBothFormats()
    {
        using var dir = new TempDirectory();
        var (_, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr);
        var rects = Components(html, "standard").Concat(Components(html, "compacted")).ToList();

        // AMX_TILEDATA (CPUID.(0xD,18).EAX = 0x2000) against AVX (CPUID.(0xD,2).EAX = 0x100): the ratio of the widths
        // is the ratio of the dump's sizes, 32.
        double tileData = RawCorpus.Register(Spr, 18, 0), avx = RawCorpus.Register(Spr, 2, 0);
        var standard = Components(html, "standard").ToDictionary(r => r.Integer("data-index"));
        Assert.Equal(tileData / avx, standard[18].Number("width") / standard[2].Number("width"), 3);

        // Every component of both strips, x and width alike: the same pixels per byte (coordinates are rounded to 1/1000).
        var compacted = DumpLayout.Compacted(Spr);
        var standardDump = DumpLayout.Standard(Spr);
        // Pixels per byte from the widest rectangle, where the rounding of its width matters least.
        double perByte = standard[18].Number("width") / tileData;
        foreach (var r in rects)
        {
            var (offset, size) = (r["data-format"] == "standard" ? standardDump : compacted)[r.Integer("data-index")];
            Assert.InRange(r.Number("width"), size * perByte - 0.005, size * perByte + 0.005);
            Assert.InRange(r.Number("x"), offset * perByte - 0.005, offset * perByte + 0.005);
        }
    }

    [Fact]
    public void Layout_Html_CompactedStrip_ShowsTheAlignmentPaddingBeforeAmxTileCfg()
    {
        // Premise from the dump: AMX_TILECFG is 64-byte aligned (CPUID.(0xD,17).ECX[1]) and LBR, the component before it
        // in the compacted format, does not end on a 64-byte boundary, so R15 leaves a hole.
        Assert.True(DumpLayout.Aligned(Spr, TileCfg));
        var compacted = DumpLayout.Compacted(Spr);
        int lbrEnd = compacted[Lbr].Offset + compacted[Lbr].Size;
        int tileCfg = compacted[TileCfg].Offset;
        Assert.True(tileCfg > lbrEnd && tileCfg % 64 == 0);

        using var dir = new TempDirectory();
        var (_, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr);
        var rects = Markup.Elements(html, "rect").Where(r => r.Attributes.GetValueOrDefault("data-format") == "compacted").ToList();
        var pad = Assert.Single(rects, r => r.HasClass("pad"));
        Assert.Equal(lbrEnd, pad.Integer("data-offset"));
        Assert.Equal(tileCfg - lbrEnd, pad.Integer("data-size"));
        Assert.True(pad.HasClass("gap"));
        // Drawn where the hole is: between LBR's rectangle and AMX_TILECFG's, with a fill of its own (a hatch pattern).
        var tile = rects.Single(r => r.HasClass("component") && r.Integer("data-index") == TileCfg);
        Assert.Equal(tile.Number("x"), pad.Number("x") + pad.Number("width"), 2);
        Assert.StartsWith("url(#", pad["fill"]);
        Assert.NotEqual(pad["fill"], rects.Single(r => r.HasClass("unused") && r.Integer("data-offset") < 512)["fill"]);
        // Its callout says what it is.
        Assert.Contains("align pad", html);
    }

    [Fact]
    public void Layout_Html_StandardStrip_ShowsItsGaps_AbsentMpxAndTheHeader()
    {
        using var dir = new TempDirectory();
        var (_, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr);
        var rects = Markup.Elements(html, "rect").Where(r => r.Attributes.GetValueOrDefault("data-format") == "standard").ToList();
        var standard = DumpLayout.Standard(Spr);
        // Between AVX's end and the opmask (MPX, bits 3-4, is not on this CPU) the standard format has unused bytes.
        int avxEnd = standard[2].Offset + standard[2].Size;
        var hole = Assert.Single(rects, r => r.HasClass("unused") && r.Integer("data-offset") == avxEnd);
        Assert.Equal(standard[5].Offset - avxEnd, hole.Integer("data-size"));
        // R13: the header is bytes 512..575 in both formats.
        Assert.All(new[] { "standard", "compacted" }, format => Assert.Single(Markup.Elements(html, "rect"),
            r => r.HasClass("header") && r["data-format"] == format && r.Integer("data-offset") == 512 && r.Integer("data-size") == 64));
    }

    [Fact]
    public void Layout_Html_TableHasARowPerComponent_AndTheMasks()
    {
        using var dir = new TempDirectory();
        var (_, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr);
        var compacted = DumpLayout.Compacted(Spr);
        var rows = Markup.Elements(html, "tr").Where(r => r.Attributes.ContainsKey("data-index")).Select(r => r.Integer("data-index"));
        Assert.Equal(compacted.Keys.Order(), rows.Order());
        // The masks as the corpus file gives them, and AMX_TILECFG's compacted offset in decimal and hex.
        var profile = RawCorpus.Profile(Spr);
        Assert.Contains(profile.GetProperty("xcr0_supported").GetString()!, html);
        Assert.Contains(profile.GetProperty("xss_supported").GetString()!, html);
        Assert.Contains($"{compacted[TileCfg].Offset} (0x{compacted[TileCfg].Offset:x})", html);
        Pages.AssertSelfContained(html);
    }

    [Fact]
    public void Layout_Html_InvalidXcr0_StillWritesThePage_WithTheReasons_Exit2()
    {
        using var dir = new TempDirectory();
        // R8: bit 0 (x87) must be set; 0x2 lacks it.
        var (run, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", Spr, "--xcr0", "0x2");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("<span class=\"badge fail\">invalid</span>", html);
        Assert.Contains("<ul class=\"errors\"><li>R8:", html);
    }

    [Fact]
    public void Layout_Html_HostileProfileStrings_AreEscaped()
    {
        using var dir = new TempDirectory();
        var profile = JsonNode.Parse(File.ReadAllText(RawCorpus.PathOf(Spr)))!.AsObject();
        const string Hostile = "<script>alert('x')</script> & \"quoted\" <img src=x>";
        profile["name"] = Hostile;
        profile["id"] = "spr<&>\"'";
        var file = dir.Write("evil<&>'\".json", profile.ToJsonString());
        var (run, html) = Pages.Write(dir, "layout.html", "layout", "--cpu", file);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;", html);
        Assert.Contains("spr&lt;&amp;&gt;&quot;&#39;", html);
        Pages.AssertSelfContained(html);
    }

    /// <summary>The renderer alone, on a report made by hand: every string of it is escaped, in text and attributes.</summary>
    [Fact]
    public void LayoutHtml_EscapesEveryStringOfTheReport()
    {
        var report = new LayoutReport("cpu\"><b>", "0x3", "0x0", false, ["R8: <bit> & \"that\""],
            new StandardEntry(576, [new ComponentEntry(0, 0, 160), new ComponentEntry(1, 160, 256)]), null) { Name = "</title><i>" };
        var html = LayoutHtml.Render(report);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<i>", html);
        Assert.DoesNotContain("</title><i>", html);
        Assert.Contains("R8: &lt;bit&gt; &amp; &quot;that&quot;", html);
        Assert.Contains("cpu&quot;&gt;&lt;b&gt;", html);
        // Without XSAVEC there is no compacted strip, and the page says so.
        Assert.DoesNotContain(Markup.Elements(html, "svg"), s => s["data-format"] == "compacted");
        Assert.Contains("no XSAVEC", html);
    }
}
