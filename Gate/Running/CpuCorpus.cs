using Xsave.Contract;
using Xsave.Contract.Cpus;

namespace Xsave.Gate.Running;

/// <summary>
/// The real CPUs the generators mix in: the clean profiles of a corpus directory, in id order (the order is part
/// of what makes a seed reproducible). A directory that is missing, empty, or has a file that does not load is bad
/// input: the generated cases would silently differ from everyone else's.
/// </summary>
public static class CpuCorpus
{
    public static bool TryLoad(string directory, out IReadOnlyList<CpuModel> cpus, out GateError? error)
    {
        cpus = [];
        error = null;
        if (!Directory.Exists(directory))
        {
            error = new GateError("CPU profile directory does not exist (set --cpus DIR or XSAVE_CORPUS)", directory);
            return false;
        }
        var loaded = CpuProfileLoader.LoadDirectory(directory);
        if (loaded.Errors.Count > 0)
        {
            var more = loaded.Errors.Count - 1;
            error = new GateError($"CPU profile does not load: {loaded.Errors[0]}" + (more > 0 ? $" (and {more} more)" : ""));
            return false;
        }
        cpus = loaded.Profiles.Where(p => p.Clean).OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => p.ToCpuModel()).ToList();
        if (cpus.Count == 0)
        {
            error = new GateError("no clean CPU profile in the directory", directory);
            return false;
        }
        return true;
    }
}
