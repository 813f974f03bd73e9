namespace Xsave.Contract.Cpus;

/// <summary>A corpus id looked up: the profile, or one line saying why there is none.</summary>
public sealed record CpuLookup(CpuProfile? Profile, string? Error)
{
    public static CpuLookup Found(CpuProfile profile) => new(profile, null);
    public static CpuLookup Failed(string error) => new(null, error);
}

/// <summary>
/// A directory of CPU profiles, loaded once, with the one error policy every user of the corpus follows: a file that
/// does not load is never dropped silently. <see cref="Problems"/> has one line per bad file (its path and why),
/// or one line for a missing directory; each user prints every line and treats the run as bad input. The profiles
/// that did load are still usable, in id order (the order is part of what makes a seed reproducible).
/// </summary>
public sealed class CpuCorpus
{
    private readonly Dictionary<string, CpuProfile> _byId;

    private CpuCorpus(string directory, bool exists, IReadOnlyList<CpuProfile> profiles, IReadOnlyList<ProfileDiagnostic> errors)
    {
        Directory = directory;
        Exists = exists;
        Profiles = profiles.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        Errors = errors;
        // A duplicate id is one of the errors; the first file (in file-name order) answers for it.
        _byId = profiles.GroupBy(p => p.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public string Directory { get; }

    public bool Exists { get; }

    /// <summary>Every profile that loaded, in id order.</summary>
    public IReadOnlyList<CpuProfile> Profiles { get; }

    /// <summary>Every file that did not load (path, profile id when known, reason).</summary>
    public IReadOnlyList<ProfileDiagnostic> Errors { get; }

    /// <summary>The loaded profiles with a consistent enumeration (curator and loader agree), in id order.</summary>
    public IReadOnlyList<CpuProfile> Clean => Profiles.Where(p => p.Clean).ToList();

    /// <summary>One line per problem: "path: reason"; empty when the whole directory loaded.</summary>
    public IReadOnlyList<string> Problems =>
        !Exists ? [$"{Directory}: CPU profile directory does not exist (set --cpus DIR or XSAVE_CORPUS)"]
        : Errors.Count == 0 && Profiles.Count == 0 ? [$"{Directory}: no CPU profile (*.json) in the directory"]
        : Errors.Select(e => e.ToString()).ToList();

    public bool Ok => Problems.Count == 0;

    public static CpuCorpus Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) return new CpuCorpus(full, false, [], []);
        var loaded = CpuProfileLoader.LoadDirectory(full);
        return new CpuCorpus(full, true, loaded.Profiles, loaded.Errors);
    }

    /// <summary>Why the file of this id (by profile id or file name) did not load; null when no such file failed.</summary>
    public ProfileDiagnostic? LoadError(string id) =>
        Errors.FirstOrDefault(e => e.ProfileId == id || (e.File is not null && Path.GetFileNameWithoutExtension(e.File) == id));

    /// <summary>
    /// The profile with this id; else the reason: the directory is missing, the id's own file failed to load (its
    /// error, not "unknown"), or no such id (with the nearest ids).
    /// </summary>
    public CpuLookup Find(string id)
    {
        if (!Exists) return CpuLookup.Failed(Problems[0]);
        if (_byId.TryGetValue(id, out var profile)) return CpuLookup.Found(profile);
        if (LoadError(id) is { } broken) return CpuLookup.Failed(broken.ToString());
        var nearest = NearestIds.Of(id, _byId.Keys, 3);
        return CpuLookup.Failed($"unknown CPU profile id '{id}' in {Directory}" +
                                (nearest.Count == 0 ? "" : $"; nearest: {string.Join(", ", nearest)}"));
    }
}
