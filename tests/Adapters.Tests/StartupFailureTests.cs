using Xsave.Adapters.Process;
using Xsave.Contract.Implementations;
using Xsave.TestSupport;

namespace Xsave.Adapters.Tests;

/// <summary>A child that cannot start, exits before the handshake or speaks another version is a clear failure.</summary>
public class StartupFailureTests
{
    [Fact]
    public void MissingProgram_SaysItCannotStartIt()
    {
        var launch = Children.Launch("fine") with { Command = ["/nonexistent/xsave-server", "--flag"] };
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => ProcessImplementation.Start(launch));
        Assert.Contains("cannot start '/nonexistent/xsave-server'", e.Message);
    }

    [SkippableFact]
    public void ChildExitingAtStart_ReportsItsExitStatusAndStderr()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => ProcessImplementation.Start(Children.Launch("exit-at-start")));
        Assert.Contains("request 0 (hello)", e.Message);
        Assert.Contains("exit status 7", e.Message);
        Assert.Contains("cannot initialise: no licence", e.Message);
    }

    [SkippableFact]
    public void AnotherProtocolVersion_IsRefusedNamingBoth()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() => ProcessImplementation.Start(Children.Launch("old-protocol")));
        Assert.Contains("the runner speaks version 1, the child answered 0", e.Message);
    }

    [SkippableFact]
    public void WellBehavedChild_DeclaresItsParts_Answers_AndIsReapedOnDispose()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        int pid;
        using (var impl = ProcessImplementation.Start(Children.Launch("fine")))
        {
            Assert.Equal(ContractPart.Layout | ContractPart.RegisterValidity, impl.Capabilities.Parts);
            Assert.False(impl.Capabilities.ObservesInternalState);
            Assert.Equal(Children.AvxStandardSize, impl.Architecture(Children.Cpu).StandardSize(Children.Avx));
            pid = impl.ChildId!.Value;
        }
        Assert.True(Children.GoneWithin(pid, 5), $"child {pid} still runs after Dispose");
    }

    [SkippableFact]
    public void ChildIgnoringEndOfInput_IsKilledOnDispose()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        var impl = ProcessImplementation.Start(Children.Launch("ignore-eof"));
        int pid = impl.ChildId!.Value;
        impl.Dispose();
        Assert.True(Children.GoneWithin(pid, 10), $"child {pid} still runs after Dispose");
    }
}
