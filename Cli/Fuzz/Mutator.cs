using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// Malformed, truncated, mutated and extreme versions of a valid input text: one to three edits, each a truncation, a
/// deleted or duplicated span, a hostile token inserted, a number replaced by an extreme, or one character changed.
/// The shrinker cuts the text down (halves, then single lines) so a failure ends on a short input.
/// </summary>
public static partial class Mutator
{
    /// <summary>Tokens that broke or could break a reader: structure, escapes, control bytes, deep nesting, aliases.</summary>
    private static readonly string[] Hostile =
    [
        "{", "}", "[", "]", "\"", "'", ":", ": ", "- ", ",", "\n", "\r\n", "\t", "\0", "\u001b[2J", "\u001b]0;x\u0007", "\uFEFF", "\uD800",
        "*a", "&a ", "!!binary ", "%YAML 1.2\n", "---\n", "...\n", "~", "null", "true", "-", "0x", "1e309", "NaN", "-0",
        new string('[', 3000), new string('{', 3000), string.Concat(Enumerable.Repeat("{a: ", 500)), new string('x', 5000),
    ];

    /// <summary>Extreme numbers for the reader's numeric fields (sizes, offsets, registers, ids).</summary>
    private static readonly string[] Extremes =
    [
        "-1", "0", "1", "-4096", "0xFFFFFFFF", "0x80000000", "0xFFFFFFF0", "0x7FFFFFFF", "2147483648", "4294967296",
        "18446744073709551615", "18446744073709551616", "0xFFFFFFFFFFFFFFFF", "9223372036854775808", "-9223372036854775809",
        "1e9", "99999999999999999999999999", "0b1", "0x", "\"0xFFFFFFFF\"",
    ];

    public static Gen<string> Mutate(string text) =>
        from n in Gen.Choose(1, 3)
        from edits in Gen.ArrayOf(Edit, n)
        select edits.Aggregate(text, (t, edit) => edit(t));

    private static readonly Gen<Func<string, string>> Edit = Gen.OneOf(
        from f in Gen.Choose(0, 1000) select (Func<string, string>)(t => t[..Cut(t, f)]),
        from a in Gen.Choose(0, 1000) from len in Gen.Choose(1, 200) select (Func<string, string>)(t => Remove(t, Cut(t, a), len)),
        from a in Gen.Choose(0, 1000) from len in Gen.Choose(1, 200) select (Func<string, string>)(t => Duplicate(t, Cut(t, a), len)),
        from a in Gen.Choose(0, 1000) from token in Gen.Elements(Hostile) select (Func<string, string>)(t => t.Insert(Cut(t, a), token)),
        from k in Gen.Choose(0, 1000) from value in Gen.Elements(Extremes) select (Func<string, string>)(t => ReplaceNumber(t, k, value)),
        from a in Gen.Choose(0, 1000) from c in Gen.Choose(0, 127) select (Func<string, string>)(t => SetChar(t, Cut(t, a), (char)c)));

    /// <summary>A position from a per-mille fraction, so one edit fits texts of any length.</summary>
    private static int Cut(string t, int perMille) => (int)((long)t.Length * perMille / 1000);

    private static string Remove(string t, int at, int len) => t.Remove(at, Math.Min(len, t.Length - at));

    private static string Duplicate(string t, int at, int len) => t.Insert(at, t.Substring(at, Math.Min(len, t.Length - at)));

    private static string SetChar(string t, int at, char c) => at >= t.Length ? t + c : t[..at] + c + t[(at + 1)..];

    private static string ReplaceNumber(string t, int k, string value)
    {
        var numbers = Numbers().Matches(t);
        if (numbers.Count == 0) return t + value;
        var m = numbers[k % numbers.Count];
        return t[..m.Index] + value + t[(m.Index + m.Length)..];
    }

    [GeneratedRegex(@"0x[0-9a-fA-F]+|-?\d+")]
    private static partial Regex Numbers();

    /// <summary>Shorter texts: the first and second half, then each line left out.</summary>
    public static IEnumerable<string> Shrink(string text)
    {
        if (text.Length <= 1) yield break;
        yield return text[..(text.Length / 2)];
        yield return text[(text.Length / 2)..];
        var lines = text.Split('\n');
        if (lines.Length > 1 && lines.Length <= 200)
            for (int i = 0; i < lines.Length; i++)
                yield return string.Join('\n', lines.Where((_, j) => j != i));
    }

    /// <summary>Mutated versions of the seeds, with their origin, shrinking the text.</summary>
    public static Arbitrary<FuzzText> Of(IReadOnlyList<(string Origin, string Text)> seeds) =>
        Arb.From(
            from seed in Gen.Elements(seeds.ToArray())
            from text in Gen.Frequency((1, Gen.Constant(seed.Text)), (12, Mutate(seed.Text)))
            select new FuzzText(seed.Origin, text),
            x => Shrink(x.Text).Select(t => x with { Text = t }));
}
