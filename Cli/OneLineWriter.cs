using System.Text;

namespace Xsave.Cli;

/// <summary>
/// stderr as the runner writes it: each message one line. A control character inside a message (a terminal escape
/// sequence or a line break quoted from an argument, a file name or a profile) is written as \xNN; the line ends
/// themselves pass through.
/// </summary>
public sealed class OneLineWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(Escape(value, keepLineEnds: true));

    public override void WriteLine(string? value) => inner.WriteLine(Escape(value, keepLineEnds: false));

    public override void Flush() => inner.Flush();

    private static string? Escape(string? text, bool keepLineEnds)
    {
        if (text is null || !text.Any(char.IsControl)) return text;
        var b = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            if (!char.IsControl(c) || c == '\t' || (keepLineEnds && c is '\n' or '\r')) b.Append(c);
            else b.Append($"\\x{(int)c:x2}");
        return b.ToString();
    }
}
