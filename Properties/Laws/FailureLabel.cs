using System.Runtime.CompilerServices;
using System.Text;

namespace Xsave.Properties.Laws;

/// <summary>
/// A failure label that is only formatted when it is needed: C# builds the interpolated string through this handler,
/// which skips every hole when the condition holds. Laws run tens of thousands of cases a second and almost all of them
/// pass, so formatting (and serializing records for) each label up front was most of a cheap law's cost (issue 16).
/// </summary>
[InterpolatedStringHandler]
internal ref struct FailureLabel
{
    private StringBuilder? _text;

    public FailureLabel(int literalLength, int formattedCount, bool condition, out bool format)
    {
        format = !condition;
        _text = format ? new StringBuilder(literalLength + 16 * formattedCount) : null;
    }

    public void AppendLiteral(string s) => _text?.Append(s);

    public void AppendFormatted<T>(T value) => _text?.Append(value);

    public void AppendFormatted<T>(T value, string? format)
    {
        if (_text is null) return;
        if (value is IFormattable f) _text.Append(f.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        else _text.Append(value);
    }

    public override string ToString() => _text?.ToString() ?? "";
}
