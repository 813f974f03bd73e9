using System.Text.RegularExpressions;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// Plain-language explanations of the YAML syntax errors scenario authors meet most. The one that matters: an unquoted
/// value containing ": " (a kernel message, "XSAVE disabled by noxsave: ..."), which YAML reads as a second key and
/// YamlDotNet reports as "found invalid mapping" or "did not find expected ',' or '}'".
/// </summary>
internal static partial class YamlHints
{
    /// <summary>The explanation for a syntax error on <paramref name="line"/> (1-based) of <paramref name="text"/>, or null.</summary>
    public static string? For(string text, int line)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length) return null;
        var source = StripComment(lines[line - 1].TrimEnd('\r'));
        foreach (Match m in KeyAndValue().Matches(source))
        {
            var value = m.Groups["value"].Value.Trim();
            if (!value.Contains(": ", StringComparison.Ordinal)) continue;
            var key = m.Groups["key"].Value;
            return $"the unquoted value '{value}' of '{key}' contains ': ', which YAML reads as the start of another key; " +
                   $"put the value in quotes: {key}: \"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        }
        return null;
    }

    /// <summary>The line without a trailing comment (" #" outside quotes).</summary>
    private static string StripComment(string s)
    {
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(s[i - 1]))) return s[..i];
        }
        return s;
    }

    // key: value, where the value is plain (does not start with a quote, a bracket or a brace) and runs to the next
    // flow separator or the end of the line.
    [GeneratedRegex(@"(?<key>[A-Za-z_][\w.@]*):\s+(?<value>[^\s""'{}\[\],][^,{}\[\]]*)")]
    private static partial Regex KeyAndValue();
}
