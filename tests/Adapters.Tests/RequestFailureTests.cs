using System.Diagnostics;
using Xsave.Adapters.Process;
using Xsave.Contract.Implementations;
using Xsave.TestSupport;

namespace Xsave.Adapters.Tests;

/// <summary>
/// A child that crashes, hangs, prints garbage or a partial line, or answers the wrong id fails that request with a
/// message naming the request, the exit status and the stderr tail — and the child is gone, never left behind.
/// </summary>
public class RequestFailureTests
{
    private static ImplementationUnavailableException FirstRequestFails(string mode, out int pid, string? arg = null, double timeout = 2)
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = ProcessImplementation.Start(Children.Launch(mode, arg, timeout));
        pid = impl.ChildId!.Value;
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => impl.Architecture(Children.Cpu).StandardSize(Children.Avx));
        Assert.Contains("request 1 (standard_size)", e.Message);
        Assert.True(Children.GoneWithin(pid, 5), $"child {pid} was not reaped");
        return e;
    }

    /// <summary>Each way of answering badly, and what the message must say (the status, the stderr, the line).</summary>
    [SkippableTheory]
    [InlineData("crash", "closed its stdout before answering", "exit status 3", "stderr: panic: index out of range")]
    [InlineData("garbage", "not JSON", "this is not JSON", "killed by the runner (protocol error)")]
    [InlineData("partial-then-exit", "not JSON", "{\"id\": 1, \"resu", "stderr: (empty)")]
    [InlineData("wrong-id", "answered id 101", "\"result\": 576", "killed by the runner (protocol error)")]
    public void BadAnswer_IsReportedWithWhatHappened(string mode, string what, string detail, string status)
    {
        var e = FirstRequestFails(mode, out _);
        Assert.Contains(what, e.Message);
        Assert.Contains(detail, e.Message);
        Assert.Contains(status, e.Message);
    }

    [SkippableFact]
    public void PartialLineThenHang_TimesOut()
    {
        var e = FirstRequestFails("partial-then-hang", out _, timeout: 1);
        Assert.Contains("no answer within 1 s (killed)", e.Message);
    }

    [SkippableFact]
    public void WrongId_IsAProtocolError()
    {
        var e = FirstRequestFails("wrong-id", out _);
        Assert.Contains("answered id 101", e.Message);
    }

    [SkippableFact]
    public void Hang_TimesOutWithinTheTimeout_AndKillsTheChild()
    {
        var clock = Stopwatch.StartNew();
        var e = FirstRequestFails("hang", out _, timeout: 1);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}"); // start-up included, on a loaded machine
        Assert.Contains("no answer within 1 s (killed)", e.Message);
        Assert.Contains("killed by the runner (no answer within 1 s)", e.Message);
    }

    [SkippableFact]
    public void Hang_KillsTheWholeProcessTree()
    {
        using var dir = new TempFile();
        FirstRequestFails("hang-with-grandchild", out _, dir.Path, timeout: 1);
        int grandchild = int.Parse(File.ReadAllText(dir.Path));
        Assert.True(Children.GoneWithin(grandchild, 5), $"grandchild {grandchild} outlived the timeout");
    }

    [SkippableFact]
    public void ErrorValue_FailsThatRequestOnly_TheChildLivesOn()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = ProcessImplementation.Start(Children.Launch("error-value"));
        var arch = impl.Architecture(Children.Cpu);
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => arch.StandardSize(Children.Avx));
        Assert.Contains("the implementation answered an error: standard_size is not implemented here", e.Message);
        Assert.Equal(Children.AvxStandardSize, arch.StandardSize(Children.Avx));
        Assert.Equal(1, impl.Generation);
    }

    /// <summary>A file name in the temp directory, deleted afterwards.</summary>
    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"xsave-adapter-{Guid.NewGuid():N}");

        public void Dispose() => File.Delete(Path);
    }
}
