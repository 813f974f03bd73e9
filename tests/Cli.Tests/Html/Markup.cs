using System.Globalization;
using System.Text.RegularExpressions;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// Reads the generated pages the way a test needs: the start tags of one element with their attributes (in any
/// order), and the text of the rows of a table. Deliberately small: the pages are HTML, not XML.
/// </summary>
public static partial class Markup
{
    public sealed record Element(string Name, IReadOnlyDictionary<string, string> Attributes, string Tag)
    {
        public string this[string attribute] => Attributes[attribute];

        public bool HasClass(string css) => Attributes.TryGetValue("class", out var all) && all.Split(' ').Contains(css);

        public double Number(string attribute) => double.Parse(Attributes[attribute], CultureInfo.InvariantCulture);

        public int Integer(string attribute) => int.Parse(Attributes[attribute], CultureInfo.InvariantCulture);
    }

    /// <summary>Every start tag of <paramref name="name"/>, e.g. all "rect" elements.</summary>
    public static IReadOnlyList<Element> Elements(string html, string name) =>
        Regex.Matches(html, $@"<{name}\b[^>]*>").Select(m => new Element(name,
            AttributePattern().Matches(m.Value).ToDictionary(a => a.Groups[1].Value, a => a.Groups[2].Value), m.Value)).ToList();

    /// <summary>The inner markup of each &lt;tr&gt; whose start tag carries <paramref name="css"/> in its class.</summary>
    public static IReadOnlyList<string> Rows(string html, string css) =>
        Regex.Matches(html, @"<tr\b([^>]*)>(.*?)</tr>", RegexOptions.Singleline)
            .Where(m => Regex.Match(m.Groups[1].Value, "class=\"([^\"]*)\"").Groups[1].Value.Split(' ').Contains(css))
            .Select(m => m.Value).ToList();

    /// <summary>The text of the cells of one row, tags stripped, entities of the five escaped characters decoded.</summary>
    public static IReadOnlyList<string> Cells(string row) =>
        Regex.Matches(row, @"<td\b[^>]*>(.*?)</td>", RegexOptions.Singleline)
            .Select(m => Decode(Regex.Replace(m.Groups[1].Value, "<[^>]*>", ""))).ToList();

    public static string Decode(string text) => text.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"")
        .Replace("&#39;", "'").Replace("&amp;", "&");

    [GeneratedRegex(@"([\w:-]+)=""([^""]*)""")]
    private static partial Regex AttributePattern();
}
