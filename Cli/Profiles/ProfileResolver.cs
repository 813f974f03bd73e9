using Xsave.Contract.Cpus;

namespace Xsave.Cli.Profiles;

/// <summary>A resolved profile, or a one-line error saying which id or file and what is wrong with it.</summary>
public sealed record ProfileResolution(CpuProfile? Profile, string? Error)
{
    public bool Ok => Profile is not null;

    public static ProfileResolution Found(CpuProfile profile) => new(profile, null);
    public static ProfileResolution Failed(string error) => new(null, error);
}

/// <summary>
/// Turns a --cpu argument into a <see cref="CpuProfile"/>: a corpus id (looked up in <see cref="CorpusDirectory"/>) or
/// the path of a JSON file holding one profile object in the corpus schema. Never throws on bad input.
/// </summary>
public sealed class ProfileResolver(string corpusDirectory)
{
    public string CorpusDirectory { get; } = corpusDirectory;

    /// <summary>The resolver for a verb's --corpus option (null when not given) and the environment.</summary>
    public static ProfileResolver For(string? corpusOption, CliContext context) =>
        new(CorpusLocator.CpusDirectory(corpusOption, context.Environment));

    /// <summary>Every profile of the corpus directory, with the errors that left files out.</summary>
    public ProfileLoadResult LoadCorpus() => CpuProfileLoader.LoadDirectory(CorpusDirectory);

    public ProfileResolution Resolve(string cpu)
    {
        if (string.IsNullOrWhiteSpace(cpu)) return ProfileResolution.Failed("--cpu is empty: give a corpus id or a profile file");
        return LooksLikePath(cpu) ? FromFile(cpu) : FromCorpus(cpu.Trim());
    }

    /// <summary>An existing file, anything ending in .json, or anything with a directory separator is a path.</summary>
    public static bool LooksLikePath(string cpu) =>
        File.Exists(cpu) || cpu.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ||
        cpu.Contains('/') || cpu.Contains(Path.DirectorySeparatorChar);

    private static ProfileResolution FromFile(string path)
    {
        if (!File.Exists(path)) return ProfileResolution.Failed($"{path}: no such profile file");
        var loaded = CpuProfileLoader.LoadFile(path);
        if (loaded.Errors.Count > 0)
            return ProfileResolution.Failed(loaded.Errors[0].ToString() + More(loaded.Errors.Count - 1));
        return loaded.Profiles.Count switch
        {
            1 => ProfileResolution.Found(loaded.Profiles[0]),
            0 => ProfileResolution.Failed($"{path}: holds no profile"),
            var n => ProfileResolution.Failed($"{path}: holds {n} profiles; give a file holding one profile object, or a corpus id"),
        };
    }

    private ProfileResolution FromCorpus(string id)
    {
        if (!Directory.Exists(CorpusDirectory))
            return ProfileResolution.Failed(
                $"corpus directory {CorpusDirectory} does not exist (set --corpus DIR or {CorpusLocator.EnvironmentVariable})");
        var loaded = LoadCorpus();
        var match = loaded.Profiles.FirstOrDefault(p => p.Id == id);
        if (match is not null) return ProfileResolution.Found(match);
        // A file of the corpus that failed to load may be the one asked for: say so rather than "unknown".
        var broken = loaded.Errors.FirstOrDefault(e => e.ProfileId == id ||
                                                       (e.File is not null && Path.GetFileNameWithoutExtension(e.File) == id));
        if (broken is not null) return ProfileResolution.Failed(broken.ToString());
        var nearest = Nearest(id, loaded.Profiles.Select(p => p.Id), 3);
        return ProfileResolution.Failed($"unknown CPU profile id '{id}' in {CorpusDirectory}" +
                                        (nearest.Count == 0 ? "" : $"; nearest: {string.Join(", ", nearest)}"));
    }

    /// <summary>
    /// The ids closest to <paramref name="id"/>: those containing it (a codename finds its CPUs) if any, else the
    /// nearest by edit distance; ties by name.
    /// </summary>
    public static IReadOnlyList<string> Nearest(string id, IEnumerable<string> ids, int count)
    {
        var all = ids.ToList();
        var containing = all.Where(candidate => candidate.Contains(id, StringComparison.OrdinalIgnoreCase)).ToList();
        return (containing.Count > 0 ? containing : all)
            .OrderBy(candidate => EditDistance(id.ToLowerInvariant(), candidate.ToLowerInvariant()))
            .ThenBy(candidate => candidate, StringComparer.Ordinal)
            .Take(count).ToList();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions cost 1.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    private static string More(int n) => n <= 0 ? "" : $" (and {n} more error{(n == 1 ? "" : "s")})";
}
