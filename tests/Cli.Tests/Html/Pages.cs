using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>Runs a verb with --html into a scratch directory and returns the run and the page it wrote.</summary>
public static class Pages
{
    public const string Spr = "intel-sapphirerapids-806f8";

    /// <summary>A regression file of the repository's corpus (read only): H13's wrong compacted size, found by the gate.</summary>
    public static string SizesRegression => Path.Combine(RawCorpus.RepositoryRoot, "corpus", "regressions", "layout.sizes.differential-ca2e74942c.json");

    /// <summary>A Linux/KVM law's regression file: its input has an event sequence.</summary>
    public static string PermRegression => Path.Combine(RawCorpus.RepositoryRoot, "corpus", "regressions", "kernel.perm.only-grows-ba0a4ddc22.json");

    public static (CliRun Run, string Html) Write(TempDirectory dir, string fileName, params string[] args)
    {
        var page = Path.Combine(dir.Path, fileName);
        var run = CliRun.Of([.. args, "--html", page]);
        Assert.True(File.Exists(page), $"no page written; exit {run.ExitCode}, stderr: {run.Stderr}");
        return (run, File.ReadAllText(page));
    }

    /// <summary>Nothing in the page is fetched: no http(s) URL anywhere, no src, no href but to a fragment, no script,
    /// no CSS import, no url() but to a fragment (the SVG hatch patterns).</summary>
    public static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        // No element with a src attribute (escaped text that merely says "src=" is not a tag).
        Assert.DoesNotMatch(@"(?i)<[a-z][^>]*\ssrc\s*=", html);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.All(Markup.Elements(html, "a"), a => Assert.StartsWith("#", a.Attributes.GetValueOrDefault("href", "#")));
        foreach (var at in AllIndexes(html, "url(")) Assert.Equal('#', html[at + 4]);
    }

    private static IEnumerable<int> AllIndexes(string text, string value)
    {
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
            yield return at;
    }
}
