using Xsave.Gate.Regressions;

namespace Xsave.Cli.Rendering.Html;

/// <summary>
/// The file named by --html: checked before a verb does its work (so a long run is not wasted on a path that cannot
/// be written), then written whole or not at all through <see cref="AtomicFile"/> (temp file in the same directory,
/// renamed into place).
/// </summary>
public static class HtmlTarget
{
    /// <summary>The one-line reason the path cannot take the page, or null if it can.</summary>
    public static string? Problem(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"{path}: --html: not a usable path ({e.Message})";
        }
        if (Directory.Exists(full)) return $"{full}: --html: is a directory, not a file";
        if (File.Exists(full) && !FileType.IsRegularFile(full)) return $"{full}: --html: exists and is not a regular file";
        var directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory)) return $"{full}: --html: the directory does not exist";
        // A page the run could not write at the end is better known now: create and delete a probe file.
        if (!AtomicFile.TryProbeWritable(directory, out var error)) return $"{full}: --html: the directory is not writable ({error})";
        return null;
    }

    /// <summary>Writes the page, replacing an earlier one; the one-line reason on failure, else null.</summary>
    public static string? Write(string path, string html)
    {
        var full = Path.GetFullPath(path);
        // Checked again: the path may have changed since the verb started.
        if (Problem(full) is { } problem) return problem;
        var written = AtomicFile.Replace(full, html);
        return written.Status == CreateStatus.Created ? null : $"{full}: --html: cannot write the page: {written.Error ?? written.Status.ToString()}";
    }
}
