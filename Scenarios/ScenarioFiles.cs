namespace Xsave.Scenarios;

/// <summary>
/// The scenario files under some paths: files as given, directories walked recursively following symbolic links,
/// each directory and each file visited once by its resolved path, so a link loop (a link to the directory itself or
/// to a parent) neither hangs the walk nor runs a file twice.
/// </summary>
public static class ScenarioFiles
{
    /// <summary>A backstop for link chains that resolve to ever new paths: deeper than any real scenario tree.</summary>
    public const int MaxDepth = 32;

    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirectories = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var p in paths)
        {
            var full = Path.GetFullPath(p);
            if (Directory.Exists(full))
            {
                int start = files.Count;
                Walk(full, 0);
                files.Sort(start, files.Count - start, StringComparer.Ordinal);
            }
            else if (File.Exists(full)) AddFile(full);
            else missing.Add(p);
        }
        return (files, missing);

        void AddFile(string file)
        {
            if (seenFiles.Add(Resolved(file))) files.Add(file);
        }

        void Walk(string directory, int depth)
        {
            if (depth > MaxDepth || !seenDirectories.Add(Resolved(directory))) return;
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            foreach (var entry in entries)
            {
                if (Directory.Exists(entry)) Walk(entry, depth + 1);
                else if (entry.EndsWith(".yaml", StringComparison.Ordinal) || entry.EndsWith(".yml", StringComparison.Ordinal)) AddFile(entry);
            }
        }
    }

    /// <summary>The path with every symbolic link on it resolved (component by component), or the path itself.</summary>
    public static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    current = Resolved(target.FullName);
            }
            catch (IOException)
            {
                return full; // a link chain too long to follow: the path as given
            }
        }
        return current;
    }
}
