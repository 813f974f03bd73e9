namespace Xsave.Gate.Tests.Support;

/// <summary>A scratch directory for one test, removed when disposed (read-only bits are cleared first).</summary>
public sealed class Scratch : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("xsave-gate-tests-").FullName;

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var file = Sub(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Every file under the directory (temp files included), relative, sorted.</summary>
    public IReadOnlyList<string> AllFiles(string? under = null) =>
        Directory.EnumerateFiles(under ?? Path, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Path, f)).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
                foreach (var dir in Directory.EnumerateDirectories(Path, "*", SearchOption.AllDirectories).Prepend(Path))
                    File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
