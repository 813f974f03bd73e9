using System.Text.Json;

namespace Xsave.Contract.Tests.Cpus;

/// <summary>
/// The one corpus every verb, the gate and the scenarios load: the repository's directory as the files say it is,
/// and the single error policy (every bad file named with its path and reason, never dropped silently).
/// </summary>
public sealed class CpuCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xsave-corpus-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A profile file of the real corpus with its id replaced (the schema as curated, not hand-typed).</summary>
    private string CopyAs(string id, string sourceId = "intel-sapphirerapids-806f8")
    {
        var text = File.ReadAllText(Path.Combine(Corpus.CpusDirectory, sourceId + ".json"));
        return Write(id + ".json", text.Replace($"\"{sourceId}\"", $"\"{id}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void RepositoryCorpus_EveryFile_InIdOrder_CleanAsTheCuratorSays()
    {
        var files = Directory.EnumerateFiles(Corpus.CpusDirectory, "*.json").ToList();
        var declaredClean = files.Where(f =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(f));
            return doc.RootElement.GetProperty("clean").GetBoolean();
        }).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();

        var corpus = CpuCorpus.Load(Corpus.CpusDirectory);
        Assert.True(corpus.Ok, string.Join("\n", corpus.Problems));
        Assert.Equal(files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal), corpus.Profiles.Select(p => p.Id));
        Assert.Equal(declaredClean, corpus.Clean.Select(p => p.Id));
    }

    [Fact]
    public void BadFiles_EachReportedWithPathAndReason_TheRestStillLoad()
    {
        CopyAs("good-cpu");
        var notJson = Write("broken.json", "[1, 2");
        var noLeaf = Write("no-leaf.json", """{"id": "no-leaf", "vendor": "GenuineIntel", "name": "x"}""");

        var corpus = CpuCorpus.Load(_dir);
        Assert.False(corpus.Ok);
        Assert.Equal(["good-cpu"], corpus.Profiles.Select(p => p.Id));
        // One line per finding (a file may have several), each starting with its file's path; both files are named.
        Assert.All(corpus.Problems, p => Assert.True(p.StartsWith(notJson + ":", StringComparison.Ordinal) ||
                                                     p.StartsWith(noLeaf + ":", StringComparison.Ordinal), p));
        Assert.Single(corpus.Problems, p => p.StartsWith(notJson + ":", StringComparison.Ordinal));
        Assert.Contains(corpus.Problems, p => p.StartsWith(noLeaf + ":", StringComparison.Ordinal) && p.Contains("missing-field"));
    }

    [Fact]
    public void Find_ABrokenFilesId_SaysItDidNotLoad_NotUnknown()
    {
        CopyAs("good-cpu");
        var broken = Write("broken-cpu.json", "{\"id\": \"broken-cpu\", ");
        var corpus = CpuCorpus.Load(_dir);

        Assert.Equal("good-cpu", corpus.Find("good-cpu").Profile!.Id);
        var lookup = corpus.Find("broken-cpu");
        Assert.Null(lookup.Profile);
        Assert.StartsWith(broken + ":", lookup.Error);
        Assert.DoesNotContain("unknown", lookup.Error);
        Assert.NotNull(corpus.LoadError("broken-cpu"));
        Assert.Null(corpus.LoadError("good-cpu"));
    }

    [Fact]
    public void Find_UnknownId_NamesTheDirectory_AndTheNearestIds()
    {
        var lookup = CpuCorpus.Load(Corpus.CpusDirectory).Find("sapphirerapids");
        Assert.Null(lookup.Profile);
        Assert.Contains($"unknown CPU profile id 'sapphirerapids' in {Corpus.CpusDirectory}", lookup.Error);
        // Containment first: a codename finds its CPUs.
        Assert.Contains("nearest: ", lookup.Error);
        Assert.Contains("intel-sapphirerapids-806f8", lookup.Error);
    }

    [Fact]
    public void NearestIds_ContainingFirst_ElseEditDistance_TiesByName()
    {
        string[] ids = ["amd-zen4-a", "amd-zen4-b", "intel-spr", "intel-icx"];
        Assert.Equal(["amd-zen4-a", "amd-zen4-b"], NearestIds.Of("zen4", ids, 3));
        Assert.Equal(["intel-spr"], NearestIds.Of("intel-spx", ids, 1));
        Assert.Empty(NearestIds.Of("x", [], 3));
    }

    [Fact]
    public void MissingDirectory_IsOneProblemNamingIt()
    {
        var missing = Path.Combine(_dir, "nowhere");
        var corpus = CpuCorpus.Load(missing);
        Assert.False(corpus.Exists);
        var problem = Assert.Single(corpus.Problems);
        Assert.StartsWith($"{missing}: CPU profile directory does not exist", problem);
        Assert.Equal(problem, corpus.Find("anything").Error);
        Assert.Empty(corpus.Profiles);
    }

    [Fact]
    public void DuplicateIds_AreAProblem_NamingBothFiles()
    {
        CopyAs("same-id");
        var second = File.ReadAllText(Path.Combine(_dir, "same-id.json"));
        Write("zz-other-file.json", second);
        var corpus = CpuCorpus.Load(_dir);
        var problem = Assert.Single(corpus.Problems);
        Assert.Contains("duplicate-id", problem);
        Assert.Contains("same-id.json", problem);
        Assert.Contains("zz-other-file.json", problem);
    }
}
