using Xsave.Gate.Regressions;

namespace Xsave.Cli.Output;

/// <summary>
/// A file a verb writes besides its normal output (--html, --junit): checked before the verb does its work, so a long
/// run is not wasted on a path that cannot be written and a failure is not hidden by a late refusal; then written
/// whole or not at all through <see cref="AtomicFile"/>. A symbolic link is written through (its final target is
/// replaced, the link stays); a device, FIFO or directory is refused, never replaced by a regular file.
/// </summary>
public static class OutputFile
{
    /// <summary>The one-line reason the path cannot take the output of <paramref name="option"/>, or null if it can.</summary>
    public static string? Problem(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{option}: the path is empty";
        if (!TryTarget(path, out var full, out var problem)) return $"{full}: {option}: {problem}";
        if (Directory.Exists(full)) return $"{full}: {option}: is a directory, not a file";
        if (File.Exists(full) && !FileType.IsRegularFile(full)) return $"{full}: {option}: exists and is not a regular file";
        var directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory)) return $"{full}: {option}: the directory does not exist";
        // A file the run could not write at the end is better known now: create and delete a probe file.
        if (!AtomicFile.TryProbeWritable(directory, out var error)) return $"{full}: {option}: the directory is not writable ({error})";
        return null;
    }

    /// <summary>Writes the text, replacing an earlier regular file; the one-line reason on failure, else null.</summary>
    public static string? Write(string path, string text, string option)
    {
        // Checked again: the path may have changed since the verb started.
        if (Problem(path, option) is { } problem) return problem;
        TryTarget(path, out var full, out _);
        var written = AtomicFile.Replace(full, text);
        return written.Status == CreateStatus.Created ? null : $"{full}: {option}: cannot write: {written.Error ?? written.Status.ToString()}";
    }

    /// <summary>The absolute path to write: the path itself, or the final target of a symbolic link.</summary>
    private static bool TryTarget(string path, out string full, out string? problem)
    {
        problem = null;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            full = path;
            problem = $"not a usable path ({e.Message})";
            return false;
        }
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is null) return true;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists && !Directory.Exists(target.FullName))
            {
                problem = "is a symbolic link to nothing";
                return false;
            }
            full = target.FullName;
            return true;
        }
        catch (IOException e)
        {
            problem = $"cannot follow the symbolic link ({e.Message})";
            return false;
        }
    }
}
