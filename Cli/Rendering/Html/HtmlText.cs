using System.Globalization;
using System.Text;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// Escaping and number formatting for the HTML views. Every string that comes from input (profile names, messages,
/// file paths, JSON values) goes through <see cref="Escape"/>, in text and in attribute values alike.
/// </summary>
public static class HtmlText
{
    /// <summary>Escapes the five characters that can end a text node or a quoted attribute value.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var output = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            output.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // NUL and other C0 controls are not allowed in HTML text; show them rather than drop them.
                < ' ' and not ('\n' or '\r' or '\t') => $"&#x{0x2400 + c:x};",
                _ => c.ToString(),
            });
        return output.ToString();
    }

    /// <summary>A coordinate for SVG: invariant culture, at most three decimals (widths must stay proportional).</summary>
    public static string Coordinate(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"11008 (0x2b00)", the way the console table and the kernel's boot log print sizes.</summary>
    public static string DecimalAndHex(int value) => $"{Integer(value)} (0x{value.ToString("x", CultureInfo.InvariantCulture)})";

    public static string Hex(int value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
