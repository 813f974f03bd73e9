using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Xsave.Cli.Tests.Support;

/// <summary>
/// The corpus files read as plain JSON, independently of the loader and the oracle, so that expected numbers come
/// from the dumps themselves.
/// </summary>
public static class RawCorpus
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string CpusDirectory => Path.Combine(RepositoryRoot, "corpus", "cpus");

    public static IReadOnlyList<string> Files =>
        Directory.EnumerateFiles(CpusDirectory, "*.json").Order(StringComparer.Ordinal).ToList();

    public static string PathOf(string id) => Path.Combine(CpusDirectory, id + ".json");

    public static JsonElement Profile(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(id)));
        return doc.RootElement.Clone();
    }

    /// <summary>CPUID.(0xD, subLeaf) register 0..3 (EAX, EBX, ECX, EDX) as the file gives it.</summary>
    public static uint Register(string id, int subLeaf, int register)
    {
        var leaf = Profile(id).GetProperty("leaf0d");
        if (!leaf.TryGetProperty(subLeaf.ToString(CultureInfo.InvariantCulture), out var regs)) return 0;
        return uint.Parse(regs[register].GetString()![2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public static TheoryData<string> AllIds()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    private static string FindRoot()
    {
        var baked = typeof(RawCorpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (baked is not null && Directory.Exists(Path.Combine(baked, "corpus"))) return baked;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Conformance.sln) from " + AppContext.BaseDirectory);
    }
}
