using System.Collections.Concurrent;
using System.Text;

namespace Xsave.Gate.Regressions;

/// <summary>How an attempt to create a file ended.</summary>
public enum CreateStatus
{
    Created,
    /// <summary>The file was already there: nothing was written.</summary>
    AlreadyExists,
    Cancelled,
    Failed,
}

public sealed record CreateResult(CreateStatus Status, string Path, string? Error = null);

/// <summary>
/// Writes a whole file or nothing: the text goes to a hidden temp file in the same directory (".name.random.tmp"),
/// is flushed to disk, and is then renamed into place, so a reader, a crash or Ctrl-C never sees half a file. Temp
/// files are deleted on every path out, including process exit.
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Pending = new();

    static AtomicFile()
    {
        // A second Ctrl-C ends the process without waiting for the run: drop what is half-written.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var temp in Pending.Keys) TryDelete(temp);
        };
    }

    /// <summary>Is this a temp file of ours (readers of a directory skip these)?</summary>
    public static bool IsTemporary(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="text"/>; never replaces an existing file.</summary>
    public static CreateResult CreateNew(string path, string text, CancellationToken cancellation = default) =>
        Write(path, text, overwrite: false, cancellation);

    /// <summary>Writes <paramref name="path"/>, replacing it atomically if it exists (reports such as JUnit XML).</summary>
    public static CreateResult Replace(string path, string text, CancellationToken cancellation = default) =>
        Write(path, text, overwrite: true, cancellation);

    /// <summary>Whether files can be created in <paramref name="directory"/> (created if missing): write and delete a probe.</summary>
    public static bool TryProbeWritable(string directory, out string? error)
    {
        error = null;
        string? probe = null;
        try
        {
            Directory.CreateDirectory(directory);
            probe = TempPathFor(Path.Combine(directory, "probe"));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = e.Message;
            return false;
        }
        finally
        {
            if (probe is not null) TryDelete(probe);
        }
    }

    private static CreateResult Write(string path, string text, bool overwrite, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return new(CreateStatus.Cancelled, path);
        if (!overwrite && File.Exists(path)) return new(CreateStatus.AlreadyExists, path);
        var temp = TempPathFor(path);
        Pending[temp] = 0;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (cancellation.IsCancellationRequested) return new(CreateStatus.Cancelled, path);
            // Without overwrite the move refuses an existing target, so a file that appeared meanwhile survives.
            File.Move(temp, path, overwrite);
            return new(CreateStatus.Created, path);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return new(CreateStatus.AlreadyExists, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new(CreateStatus.Failed, path, e.Message);
        }
        finally
        {
            TryDelete(temp);
            Pending.TryRemove(temp, out _);
        }
    }

    private static string TempPathFor(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden .tmp file is ignored by every reader.
        }
    }
}
