using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;
using Xunit.Abstractions;

namespace Xsave.Gate.Tests;

/// <summary>The regression corpus on disk: content-addressed names, no overwrite, atomic writes, clear errors.</summary>
public class RegressionStoreTests(ITestOutputHelper output)
{
    [Fact]
    public void Save_WritesPropertyDashHashDotJson()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        var record = RegressionFileTests.Sample();
        var saved = store.Save(record);
        Assert.Equal(SaveStatus.Written, saved.Status);
        Assert.Equal($"layout.sizes.differential-{CanonicalJson.Hash(record.Input)}.json", Path.GetFileName(saved.Path));
        Assert.Matches(@"^layout\.sizes\.differential-[0-9a-f]{10}\.json$", Path.GetFileName(saved.Path));
        Assert.True(RegressionFile.TryRead(saved.Path, out var back, out _));
        Assert.Equal(record.CanonicalInput, back!.CanonicalInput);
        Assert.Equal([Path.GetFileName(saved.Path)], dir.AllFiles());
    }

    [Fact]
    public void SameFailureTwice_IsOneFile_NotRewritten()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        var first = store.Save(RegressionFileTests.Sample());
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first.Path, old);
        var content = File.ReadAllText(first.Path);

        // Found again on another day, by another implementation: the same property and input are the same failure.
        var again = store.Save(RegressionFileTests.Sample() with { Date = DateTimeOffset.UtcNow, Implementation = "mutant:other", Cases = 7 });

        Assert.Equal(SaveStatus.AlreadyKnown, again.Status);
        Assert.Equal(first.Path, again.Path);
        Assert.Equal(content, File.ReadAllText(first.Path));
        Assert.Equal(old, File.GetLastWriteTimeUtc(first.Path));
        Assert.Single(dir.AllFiles());
    }

    [Fact]
    public void DifferentInput_WithAnotherFailure_IsAnotherFile()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        store.Save(RegressionFileTests.Sample(mask: "0x1200"));
        // Another bug: the standard size differs, not the compacted one (same-bug inputs: RegressionSignatureTests).
        store.Save(RegressionFileTests.Sample(mask: "0x1201") with { Observed = System.Text.Json.Nodes.JsonNode.Parse("""{"Standard": 512, "Compacted": 664}""") });
        Assert.Equal(2, dir.AllFiles().Count);
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("""{"format": "xsave-conformance/regression", "version": 1, "property": "layout.sizes.differential", "input": {"edited": true}}""")]
    public void ExistingFileOfThatName_WithOtherContent_IsLeftUntouched(string existing)
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        var record = RegressionFileTests.Sample();
        var path = dir.Write(Path.GetFileName(store.PathFor(record)), existing);
        var saved = store.Save(record);
        Assert.Equal(SaveStatus.KeptExisting, saved.Status);
        Assert.Null(saved.File);
        Assert.Contains("left untouched", saved.Message);
        Assert.Equal(existing, File.ReadAllText(path));
    }

    [Fact]
    public void Files_ListsRegressionFilesOnly_InNameOrder()
    {
        using var dir = new Scratch();
        dir.Write("b.json", "{}");
        dir.Write("a.json", "{}");
        dir.Write(".a.json.0123.tmp", "half");
        dir.Write("notes.txt", "x");
        Assert.Equal(["a.json", "b.json"], new RegressionStore(dir.Path).Files().Select(Path.GetFileName));
        Assert.Empty(new RegressionStore(dir.Sub("missing")).Files());
    }

    [Fact]
    public void EnsureWritable_CreatesAMissingDirectory_AndLeavesNoProbe()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Sub("corpus/regressions"));
        Assert.True(store.TryEnsureWritable(out var error), error?.ToString());
        Assert.True(Directory.Exists(store.Directory));
        Assert.Empty(dir.AllFiles());
    }

    [Fact]
    public void EnsureWritable_UnderAFile_IsAnErrorNamingTheDirectory()
    {
        // Works as root too: nobody can create a directory below a regular file.
        using var dir = new Scratch();
        var file = dir.Write("plain-file", "keep me");
        var store = new RegressionStore(Path.Combine(file, "regressions"));
        Assert.False(store.TryEnsureWritable(out var error));
        Assert.StartsWith(store.Directory + ": regression corpus directory is not writable", error!.ToString());
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void EnsureWritable_ReadOnlyDirectory_IsAnError_UnlessRunningAsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            output.WriteLine("skipped: Unix file modes do not apply on Windows");
            return;
        }
        using var dir = new Scratch();
        var existing = dir.Write("ro/kept.json", "{}");
        var readOnly = dir.Sub("ro");
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (ChmodIsIneffective(readOnly))
        {
            output.WriteLine("skipped: running as root, a read-only mode does not stop writes (EnsureWritable_UnderAFile covers the error)");
            return;
        }
        var store = new RegressionStore(readOnly);
        Assert.False(store.TryEnsureWritable(out var error));
        Assert.Contains("not writable", error!.ToString());
        Assert.Equal("{}", File.ReadAllText(existing));
        Assert.Single(Directory.EnumerateFileSystemEntries(readOnly));
    }

    [Fact]
    public void Save_WhenTheWriteFails_IsAFailedOutcome_NotAnException()
    {
        using var dir = new Scratch();
        var file = dir.Write("plain-file", "x");
        var saved = new RegressionStore(Path.Combine(file, "sub")).Save(RegressionFileTests.Sample());
        Assert.Equal(SaveStatus.Failed, saved.Status);
        Assert.Contains("cannot write regression file", saved.Message);
    }

    [Fact]
    public void AtomicCreate_Cancelled_LeavesNoFileAndNoTemp()
    {
        using var dir = new Scratch();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = AtomicFile.CreateNew(dir.Sub("x.json"), "{}", cancelled.Token);
        Assert.Equal(CreateStatus.Cancelled, result.Status);
        Assert.Empty(dir.AllFiles());
    }

    [Fact]
    public void AtomicCreate_NeverReplaces_AndLeavesNoTemp()
    {
        using var dir = new Scratch();
        var path = dir.Write("x.json", "old");
        Assert.Equal(CreateStatus.AlreadyExists, AtomicFile.CreateNew(path, "new").Status);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(CreateStatus.Created, AtomicFile.Replace(path, "new").Status);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["x.json"], dir.AllFiles());
    }

    /// <summary>True when a write into the read-only directory still succeeds (root ignores the mode bits).</summary>
    internal static bool ChmodIsIneffective(string readOnlyDirectory)
    {
        var probe = Path.Combine(readOnlyDirectory, ".root-probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
