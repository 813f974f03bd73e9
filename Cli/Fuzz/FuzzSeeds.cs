using Xsave.Cli.Profiles;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// The valid inputs the mutations start from: the repository's own CPU profiles, scenarios and regression files
/// (read once). Outside a repository checkout one small built-in example of each stands in.
/// </summary>
public static class FuzzSeeds
{
    private static readonly Lazy<IReadOnlyList<(string, string)>> CpuFiles = new(() => Load("cpus", "*.json", BuiltIn.Profile));
    private static readonly Lazy<IReadOnlyList<(string, string)>> ScenarioFiles = new(() => Load("scenarios", "*.yaml", BuiltIn.Scenario));
    private static readonly Lazy<IReadOnlyList<(string, string)>> RegressionFiles = new(() => Load("regressions", "*.json", BuiltIn.Regression));

    public static IReadOnlyList<(string Origin, string Text)> Profiles => CpuFiles.Value;
    public static IReadOnlyList<(string Origin, string Text)> Scenarios => ScenarioFiles.Value;
    public static IReadOnlyList<(string Origin, string Text)> Regressions => RegressionFiles.Value;

    private static IReadOnlyList<(string, string)> Load(string folder, string pattern, string builtIn)
    {
        var root = CorpusLocator.RepositoryRoot();
        var directory = root is null ? null : Path.Combine(root, "corpus", folder);
        var files = directory is not null && Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, pattern).Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToList()
            : [];
        return files.Count > 0 ? files : [($"built-in {folder} example", builtIn)];
    }

    private static class BuiltIn
    {
        public const string Profile = """
            {"id": "fuzz-seed", "vendor": "GenuineIntel", "name": "seed", "source": {"note": "built-in"}, "clean": true, "anomalies": [],
             "xcr0_supported": "0x7", "xss_supported": "0x0",
             "leaf0d": {"0": ["0x00000007", "0x00000340", "0x00000340", "0x00000000"], "1": ["0x0000000f", "0x00000340", "0x00000000", "0x00000000"],
                        "2": ["0x00000100", "0x00000240", "0x00000000", "0x00000000"]}}
            """;

        public const string Scenario = """
            # source: built-in seed
            cpu: intel-sapphirerapids-806f8
            steps:
              - ptrace_setregset: {image: {size: 11008, xstate_bv: 0x3, mxcsr: 0x1f80}}
                expect: {result: 0}
            """;

        public const string Regression = """
            {"format": "xsave-conformance/regression", "version": 1, "property": "layout.sizes.differential",
             "input": {"cpu": {"origin": "corpus:intel-sapphirerapids-806f8"}, "mask": {"hex": "0x3"}}}
            """;
    }
}
