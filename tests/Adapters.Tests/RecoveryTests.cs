using System.Diagnostics;
using Xsave.Adapters.Process;
using Xsave.Contract.Implementations;
using Xsave.TestSupport;

namespace Xsave.Adapters.Tests;

/// <summary>
/// After a failure the next request gets a fresh child, so one bad case does not sink the rest of a run; a child that
/// keeps hanging stops being restarted; a child that writes a lot to stderr is drained, not deadlocked.
/// </summary>
public class RecoveryTests
{
    [SkippableFact]
    public void ChildThatCrashedOnce_IsRestartedForTheNextRequest()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        var marker = Path.Combine(Path.GetTempPath(), $"xsave-crash-once-{Guid.NewGuid():N}");
        try
        {
            using var impl = ProcessImplementation.Start(Children.Launch("crash-first-time", marker));
            var arch = impl.Architecture(Children.Cpu);
            var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => arch.StandardSize(Children.Avx));
            Assert.Contains("exit status 5", e.Message);
            Assert.Equal(Children.AvxStandardSize, arch.StandardSize(Children.Avx));
            Assert.Equal(2, impl.Generation);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [SkippableFact]
    public void CrashingOnEveryRequest_IsRestartedEveryTime()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = ProcessImplementation.Start(Children.Launch("crash"));
        for (int i = 0; i < 5; i++)
            Assert.Contains("exit status 3", Assert.ThrowsAny<ImplementationUnavailableException>(() => impl.Architecture(Children.Cpu).StandardSize(Children.Avx)).Message);
        Assert.Equal(5, impl.Generation);
    }

    [SkippableFact]
    public void AfterThreeTimeoutsInARow_TheChildIsNoLongerRestarted()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = ProcessImplementation.Start(Children.Launch("hang", timeoutSeconds: 0.5));
        var arch = impl.Architecture(Children.Cpu);
        for (int i = 0; i < 3; i++)
            Assert.Contains("no answer within", Assert.ThrowsAny<ImplementationUnavailableException>(() => arch.StandardSize(Children.Avx)).Message);
        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => arch.StandardSize(Children.Avx));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.5), $"the fourth request waited {clock.Elapsed}");
        Assert.Contains("not restarted after 3 timeouts or failed starts in a row", e.Message);
        Assert.Null(impl.ChildId);
    }

    [SkippableFact]
    public void StderrFlood_IsDrained_TheAnswersStillCome()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = ProcessImplementation.Start(Children.Launch("stderr-flood", timeoutSeconds: 10));
        var arch = impl.Architecture(Children.Cpu);
        // 300 KB of stderr per request: far beyond a pipe's buffer, so an undrained stderr would block the child.
        for (int i = 0; i < 5; i++) Assert.Equal(Children.AvxStandardSize, arch.StandardSize(Children.Avx));
    }
}
