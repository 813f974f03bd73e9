using System.Reflection;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xunit;

namespace Xsave.TestSupport;

/// <summary>The repository's corpus/cpus, loaded once for the test run.</summary>
public static class Corpus
{
    /// <summary>The profile most tests use: XCR0 0x602e7 (AVX-512, PKRU, AMX), XSS 0xdd00, XSAVES, XFD.</summary>
    public const string SapphireRapids = "intel-sapphirerapids-806f8";

    public static string RepositoryRoot { get; } = FindRoot();

    public static string CpusDirectory => Path.Combine(RepositoryRoot, "corpus", "cpus");

    private static readonly Lazy<ProfileLoadResult> Loaded = new(() => CpuProfileLoader.LoadDirectory(CpusDirectory));

    public static ProfileLoadResult Load() => Loaded.Value;

    public static IReadOnlyList<CpuProfile> Profiles => Load().Profiles;

    public static CpuProfile Profile(string id) =>
        Profiles.SingleOrDefault(p => p.Id == id) ?? throw new ArgumentException($"no corpus profile '{id}'");

    public static CpuModel Cpu(string id) => Profile(id).ToCpuModel();

    /// <summary>Theory rows: every profile id.</summary>
    public static TheoryData<string> AllIds() => Rows(Profiles);

    /// <summary>Theory rows: every profile the curator and the loader both consider clean.</summary>
    public static TheoryData<string> CleanIds() => Rows(Profiles.Where(p => p.Clean));

    private static TheoryData<string> Rows(IEnumerable<CpuProfile> profiles)
    {
        var data = new TheoryData<string>();
        foreach (var p in profiles.OrderBy(p => p.Id, StringComparer.Ordinal)) data.Add(p.Id);
        return data;
    }

    private static string FindRoot()
    {
        var baked = typeof(Corpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (baked is not null && Directory.Exists(Path.Combine(baked, "corpus"))) return baked;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Conformance.sln) from " + AppContext.BaseDirectory);
    }
}
