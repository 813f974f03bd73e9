using System.Reflection;

namespace Xsave.Cli.Profiles;

/// <summary>
/// Where corpus/cpus is: --cpus DIR, else $XSAVE_CORPUS, else &lt;repo&gt;/corpus/cpus with the repository found by walking
/// up from the executable to Conformance.sln (or, for builds outside the tree, the repository the build came from).
/// </summary>
public static class CorpusLocator
{
    public const string EnvironmentVariable = "XSAVE_CORPUS";

    public static string CpusDirectory(string? corpusOption, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(corpusOption)) return Path.GetFullPath(corpusOption);
        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        var root = RepositoryRoot();
        return root is null ? Path.GetFullPath(Path.Combine("corpus", "cpus")) : Path.Combine(root, "corpus", "cpus");
    }

    /// <summary>The directory holding Conformance.sln, or null when none can be found.</summary>
    public static string? RepositoryRoot()
    {
        var fromExecutable = WalkUp(AppContext.BaseDirectory);
        if (fromExecutable is not null) return fromExecutable;
        // Built with --artifacts-path the executable lives outside the tree: use the root baked in at build time.
        var baked = typeof(CorpusLocator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "Conformance.sln"))) return baked;
        return WalkUp(Directory.GetCurrentDirectory());
    }

    private static string? WalkUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        return null;
    }
}
