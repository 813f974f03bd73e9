using System.Text;

namespace Xsave.Adapters.Process;

/// <summary>
/// Splits a command line into words the way a POSIX shell would (whitespace, 'single quotes', "double quotes",
/// backslash escapes), without expanding anything: the words are then run directly, never through a shell.
/// </summary>
public static class ShellWords
{
    public static bool TrySplit(string text, out IReadOnlyList<string> words, out string? error)
    {
        var result = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        error = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) result.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\\')
            {
                if (++i == text.Length) { error = "the command ends with a lone backslash"; break; }
                word.Append(text[i]);
            }
            else if (c == '\'')
            {
                int end = text.IndexOf('\'', i + 1);
                if (end < 0) { error = $"unterminated single quote at character {i + 1}"; break; }
                word.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                int start = i;
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    // Inside double quotes a backslash escapes only what a shell lets it escape.
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`') i++;
                    word.Append(text[i]);
                }
                if (i == text.Length) { error = $"unterminated double quote at character {start + 1}"; break; }
            }
            else word.Append(c);
        }
        if (error is null && inWord) result.Add(word.ToString());
        if (error is null && result.Count == 0) error = "the command is empty";
        words = error is null ? result : [];
        return error is null;
    }
}
