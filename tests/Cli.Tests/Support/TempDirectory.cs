namespace Xsave.Cli.Tests.Support;

/// <summary>A scratch directory outside the corpus, removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("xsave-cli-tests-").FullName;

    public string Write(string fileName, string text)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp dir is harmless */ }
    }
}
