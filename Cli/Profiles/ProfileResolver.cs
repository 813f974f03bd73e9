using Xsave.Contract.Cpus;

namespace Xsave.Cli.Profiles;

/// <summary>
/// Turns a --cpu argument into a <see cref="CpuProfile"/>: a corpus id (looked up in <see cref="Corpus"/>) or the path
/// of a JSON file holding one profile object in the corpus schema. Never throws on bad input.
/// </summary>
public sealed class ProfileResolver(string corpusDirectory)
{
    private readonly Lazy<CpuCorpus> _corpus = new(() => CpuCorpus.Load(corpusDirectory));

    public string CorpusDirectory { get; } = corpusDirectory;

    /// <summary>The corpus directory, loaded on first use (a profile file given by path never loads it).</summary>
    public CpuCorpus Corpus => _corpus.Value;

    /// <summary>Whether the corpus was loaded (only then are its problems this run's to report).</summary>
    public bool CorpusLoaded => _corpus.IsValueCreated;

    /// <summary>The resolver for a verb's --cpus option (null when not given) and the environment.</summary>
    public static ProfileResolver For(string? corpusOption, CliContext context) =>
        new(CorpusLocator.CpusDirectory(corpusOption, context.Environment));

    public CpuLookup Resolve(string cpu)
    {
        if (string.IsNullOrWhiteSpace(cpu)) return CpuLookup.Failed("--cpu is empty: give a corpus id or a profile file");
        return LooksLikePath(cpu) ? FromFile(cpu) : FromCorpus(cpu.Trim());
    }

    /// <summary>An existing file, anything ending in .json, or anything with a directory separator is a path.</summary>
    public static bool LooksLikePath(string cpu) =>
        File.Exists(cpu) || cpu.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ||
        cpu.Contains('/') || cpu.Contains(Path.DirectorySeparatorChar);

    private static CpuLookup FromFile(string path)
    {
        if (!File.Exists(path)) return CpuLookup.Failed($"{path}: no such profile file");
        var loaded = CpuProfileLoader.LoadFile(path);
        if (loaded.Errors.Count > 0)
            return CpuLookup.Failed(loaded.Errors[0].ToString() + More(loaded.Errors.Count - 1));
        return loaded.Profiles.Count switch
        {
            1 => CpuLookup.Found(loaded.Profiles[0]),
            0 => CpuLookup.Failed($"{path}: holds no profile"),
            var n => CpuLookup.Failed($"{path}: holds {n} profiles; give a file holding one profile object, or a corpus id"),
        };
    }

    private CpuLookup FromCorpus(string id) => Corpus.Find(id);

    private static string More(int n) => n <= 0 ? "" : $" (and {n} more error{(n == 1 ? "" : "s")})";
}
