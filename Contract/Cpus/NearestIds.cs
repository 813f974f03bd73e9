namespace Xsave.Contract.Cpus;

/// <summary>The suggestions an unknown profile id gets: the ids a person most likely meant.</summary>
public static class NearestIds
{
    /// <summary>
    /// The ids closest to <paramref name="id"/>: those containing it (a codename finds its CPUs) if any, else the
    /// nearest by edit distance; ties by name.
    /// </summary>
    public static IReadOnlyList<string> Of(string id, IEnumerable<string> ids, int count)
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
}
