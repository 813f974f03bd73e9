namespace Xsave.Adapters.Process;

/// <summary>
/// The last lines a child wrote to stderr, drained continuously so a chatty child never blocks on a full pipe, and
/// kept short so a flood cannot fill memory. Failure messages end with them.
/// </summary>
internal sealed class StderrTail(int maxLines = 12, int maxLineLength = 300)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line.Length > maxLineLength ? line[..maxLineLength] + "…" : line);
            while (_lines.Count > maxLines) _lines.Dequeue();
        }
    }

    /// <summary>"stderr: a | b | c", or "stderr: (empty)".</summary>
    public string Describe()
    {
        lock (_lines)
            return _lines.Count == 0 ? "stderr: (empty)" : "stderr: " + string.Join(" | ", _lines);
    }
}
