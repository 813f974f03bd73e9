using System.Text.RegularExpressions;
using Xsave.Properties;

namespace Xsave.Gate.Selection;

/// <summary>
/// --property GLOB (repeatable, or comma-separated): which properties of the catalogue to run. '*' matches any run
/// of characters and '?' one character; a glob that matches nothing is an error (a typo must not pass as green).
/// </summary>
public static class PropertyFilter
{
    public static bool TrySelect(IReadOnlyList<ConformanceProperty> catalogue, IReadOnlyList<string> globs,
        out IReadOnlyList<ConformanceProperty> selected, out GateError? error)
    {
        selected = catalogue;
        error = null;
        var patterns = globs.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        // '--property ""' or '--property ,,,' names no glob: an error, not "every property" (a broken CI variable
        // must not widen the run silently).
        if (globs.Count > 0 && patterns.Count == 0)
        {
            error = new GateError($"--property '{string.Join(",", globs)}' names no property glob");
            return false;
        }
        if (patterns.Count == 0) return true;
        foreach (var pattern in patterns)
        {
            if (!catalogue.Any(p => Matches(pattern, p.Name)))
            {
                error = new GateError($"unknown property '{pattern}': no property of the catalogue matches; " +
                                      $"known: {string.Join(", ", catalogue.Select(p => p.Name))}");
                return false;
            }
        }
        selected = catalogue.Where(p => patterns.Any(pattern => Matches(pattern, p.Name))).ToList();
        return true;
    }

    public static bool Matches(string glob, string name)
    {
        var regex = "^" + Regex.Escape(glob).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return Regex.IsMatch(name, regex, RegexOptions.CultureInvariant);
    }
}
