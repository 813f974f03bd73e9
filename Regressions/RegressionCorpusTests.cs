using System.Reflection;
using Xsave.Gate.Regressions;
using Xsave.Optimized;
using Xsave.Oracle;
using Xsave.Gate.Running;
using Xsave.Properties;
using Xunit.Abstractions;
using Xsave.Properties.Comparison;

namespace Xsave.Regressions;

/// <summary>
/// One test case per file of corpus/regressions, e.g. Replays(file: "layout.sizes.differential-ca2e74942c.json"):
/// the stored input, decoded by its law, must hold for the optimized implementation against the oracle. A file that
/// does not load (corrupt, unknown version, unknown property) fails its case with the one-line reason. With no file
/// the single row "(empty)" passes, because a theory without rows is an error in xunit 2.
/// </summary>
public class RegressionCorpusTests(ITestOutputHelper output)
{
    private const string Empty = "(empty)";

    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "corpus", "regressions");

    private static readonly Lazy<PropertyContext> Optimized = new(() =>
    {
        var cpus = Path.Combine(RepositoryRoot(), "corpus", "cpus");
        if (!GateContext.TryCreate(new OptimizedImplementation(), new OracleImplementation(), cpus, out var context, out var error))
            throw new InvalidOperationException(error!.ToString());
        return context!;
    });

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in new RegressionStore(Directory).Files()) data.Add(Path.GetFileName(file));
        if (data.Count == 0) data.Add(Empty);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Replays(string file)
    {
        Skip.If(file == Empty, $"no regression files in {Directory}");
        Assert.True(RegressionCase.TryLoad(Path.Combine(Directory, file), out var loaded, out var error), error?.ToString());
        var result = RegressionReplayer.Replay(loaded!, Optimized.Value);
        output.WriteLine($"{file}: {loaded!.Property.Name} against {result.Implementation}: {result.Verdict}" +
                         $" (found in {loaded.Record.Implementation ?? "?"}: {loaded.Record.InputText})");
        Skip.If(result.Verdict == Verdict.NotApplicable, $"not applicable to {result.Implementation}: {result.Message}");
        Assert.True(!result.Verdict.Fails(), $"{file} fails again against {result.Implementation}:\n{result.Message}");
    }

    private static string RepositoryRoot()
    {
        var baked = typeof(RegressionCorpusTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (baked is not null && System.IO.Directory.Exists(Path.Combine(baked, "corpus"))) return baked;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Conformance.sln) from " + AppContext.BaseDirectory);
    }
}
