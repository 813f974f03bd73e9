using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Scenarios.Running;

namespace Xsave.Scenarios.Tests;

/// <summary>A crash on either side of a scenario step is a harness error with its message — even when both sides crash
/// the same way, it is never counted as the two agreeing.</summary>
public class ScenarioHarnessErrorTests
{
    private sealed class CrashingKernel(IKernel inner) : IKernel
    {
        public BootSummary Boot => inner.Boot;
        public KernelOutcome Apply(KernelOp op) => op is ForkOp ? throw new NotImplementedException("fork") : inner.Apply(op);
        public KernelSnapshot? Snapshot() => inner.Snapshot();
    }

    private sealed class Crashing(IXstateImplementation inner, string name) : IXstateImplementation
    {
        public string Name => name;
        public string Description => "throws on fork";
        public ImplementationCapabilities Capabilities => inner.Capabilities;
        public ICpuArchitecture Architecture(CpuModel cpu) => inner.Architecture(cpu);
        public IKernel Boot(CpuModel cpu, KernelConfig config) => new CrashingKernel(inner.Boot(cpu, config));
    }

    [Fact]
    public void BothSidesCrashingAlike_FailsTheStep_AsAHarnessError()
    {
        var parsed = ScenarioCorpus.Suite.Parser.Parse("crash.yaml",
            "cpu: intel-sapphirerapids-806f8\nsteps:\n  - fork: {pid: 1}\n  - exec: {pid: 1}\n    expect: {result: 0}\n");
        var runner = new ScenarioRunner(() => new Crashing(new OptimizedImplementation(), "ref"), () => new Crashing(new OptimizedImplementation(), "impl"));
        var result = runner.Run(parsed.Scenario!);

        Assert.Equal(Verdict.HarnessError, result.Verdict);
        var step = result.Steps[0];
        Assert.Equal(Verdict.HarnessError, step.Verdict);
        Assert.Contains("oracle: ref threw at step 0 p1 fork(): NotImplementedException: fork", step.Reason);
        Assert.Contains("implementation: impl threw at step 0", step.Reason);
        Assert.Contains("System.NotImplementedException: fork", step.Stack); // shown with --verbose
        Assert.Equal(Verdict.Pass, result.Steps[1].Verdict); // the run goes on
    }
}
