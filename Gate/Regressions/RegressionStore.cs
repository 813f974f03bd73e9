using System.Text.Json.Nodes;

namespace Xsave.Gate.Regressions;

public enum SaveStatus
{
    /// <summary>A new file was written.</summary>
    Written,
    /// <summary>A file for the same property and the same input is already there: nothing was written.</summary>
    AlreadyKnown,
    /// <summary>A file of that name holds something else (edited, corrupt, or a hash collision): left untouched.</summary>
    KeptExisting,
    Cancelled,
    Failed,
}

public sealed record SaveOutcome(SaveStatus Status, string Path, string? Message = null)
{
    /// <summary>The file that now documents the failure (null when none could be written).</summary>
    public string? File => Status is SaveStatus.Written or SaveStatus.AlreadyKnown ? Path : null;
}

/// <summary>
/// The regression corpus: a directory of one JSON file per distinct failure, named
/// "&lt;property&gt;-&lt;10 hex of SHA-256 of the canonical input&gt;.json". The same failure found again maps to the same
/// name and is reported as already known; an existing file is never overwritten; every write is atomic.
/// </summary>
public sealed class RegressionStore(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public static string FileNameFor(string property, JsonNode input) =>
        $"{SafeName(property)}-{CanonicalJson.Hash(input)}.json";

    public string PathFor(RegressionRecord record) => Path.Combine(Directory, FileNameFor(record.Property, record.Input));

    /// <summary>Checks before a run that failures could be stored (creating the directory if needed).</summary>
    public bool TryEnsureWritable(out GateError? error)
    {
        error = null;
        if (File.Exists(Directory))
        {
            error = new GateError("regression corpus directory is a file", Directory);
            return false;
        }
        if (AtomicFile.TryProbeWritable(Directory, out var reason)) return true;
        error = new GateError($"regression corpus directory is not writable: {reason}", Directory);
        return false;
    }

    private readonly object _saving = new();
    private readonly List<string> _documented = [];
    private bool _closed;

    /// <summary>
    /// Stops the store: a save already under way finishes first, later ones are refused. Returns every file that
    /// documents a failure of this run (written or already known), so that a run stopped at once (a second Ctrl-C)
    /// can name each one, even one its property had not reported yet.
    /// </summary>
    public IReadOnlyList<string> Close()
    {
        lock (_saving)
        {
            _closed = true;
            return [.. _documented];
        }
    }

    public SaveOutcome Save(RegressionRecord record, CancellationToken cancellation = default)
    {
        lock (_saving)
        {
            if (_closed) return new SaveOutcome(SaveStatus.Cancelled, PathFor(record), "the run was stopped before the file was written");
            var outcome = SaveUnlocked(record, cancellation);
            if (outcome.File is { } file) _documented.Add(file);
            return outcome;
        }
    }

    private SaveOutcome SaveUnlocked(RegressionRecord record, CancellationToken cancellation)
    {
        var path = PathFor(record);
        if (!File.Exists(path) && SameBug(record) is { } known)
        {
            // Known under another input: keep the smaller of the two (a smaller case is easier to read and replay).
            if (record.CanonicalInput.Length >= known.Record.CanonicalInput.Length)
                return new SaveOutcome(SaveStatus.AlreadyKnown, known.Path);
            return Replace(known.Path, record, path, cancellation);
        }
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (File.Exists(path)) return Compare(record, path);
            var created = AtomicFile.CreateNew(path, RegressionFile.Write(record), cancellation);
            switch (created.Status)
            {
                case CreateStatus.Created: return new SaveOutcome(SaveStatus.Written, path);
                case CreateStatus.Cancelled: return new SaveOutcome(SaveStatus.Cancelled, path, "cancelled before the file was written");
                case CreateStatus.Failed: return new SaveOutcome(SaveStatus.Failed, path, $"cannot write regression file: {created.Error}");
                case CreateStatus.AlreadyExists: continue; // another run wrote it meanwhile: compare with that one
            }
        }
        return Compare(record, path);
    }

    /// <summary>Every regression file of the directory (not temp files), in name order; empty when it does not exist.</summary>
    public IReadOnlyList<string> Files() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory, "*.json").Where(f => !AtomicFile.IsTemporary(f))
                .Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>A file of the same property whose failure has the same <see cref="RegressionSignature"/>.</summary>
    private (string Path, RegressionRecord Record)? SameBug(RegressionRecord record)
    {
        if (RegressionSignature.Of(record) is not { } signature) return null;
        var prefix = SafeName(record.Property) + "-";
        foreach (var file in Files().Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal)))
            if (RegressionFile.TryRead(file, out var existing, out _) && RegressionSignature.Of(existing!) == signature)
                return (file, existing!);
        return null;
    }

    /// <summary>Writes the smaller case, then removes the larger one it replaces; the outcome says which file went.</summary>
    private static SaveOutcome Replace(string larger, RegressionRecord record, string path, CancellationToken cancellation)
    {
        var created = AtomicFile.CreateNew(path, RegressionFile.Write(record), cancellation);
        if (created.Status != CreateStatus.Created) return new SaveOutcome(SaveStatus.AlreadyKnown, larger);
        try
        {
            File.Delete(larger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SaveOutcome(SaveStatus.Written, path, $"known failure with a smaller input; could not remove {Path.GetFileName(larger)}: {e.Message}");
        }
        return new SaveOutcome(SaveStatus.Written, path, $"known failure with a smaller input: replaces {Path.GetFileName(larger)}");
    }

    private static SaveOutcome Compare(RegressionRecord record, string path)
    {
        if (!RegressionFile.TryRead(path, out var existing, out var error))
            return new SaveOutcome(SaveStatus.KeptExisting, path, $"exists but does not read ({error!.Message}); left untouched");
        if (existing!.Property == record.Property && existing.CanonicalInput == record.CanonicalInput)
            return new SaveOutcome(SaveStatus.AlreadyKnown, path);
        return new SaveOutcome(SaveStatus.KeptExisting, path, "exists with a different case under the same name; left untouched");
    }

    private static string SafeName(string property) =>
        new(property.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());
}
