using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Oracle;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Running;

namespace Xsave.Properties.Tests;

/// <summary>
/// An implementation that throws has not answered: its crash is a harness error with its message, never an agreement —
/// not even when the reference crashes the very same way.
/// </summary>
public class HarnessErrorTests
{
    /// <summary>Throws on every KVM_GET_XSAVE, the way a missing case or a null dereference would.</summary>
    private sealed class CrashesOnGetXsave(IXstateImplementation inner) : MutantImplementation(inner)
    {
        public override string Name => "test:crashes-on-get-xsave";
        public override string Description => "throws InvalidOperationException on KVM_GET_XSAVE";
        public override string Source => "test double";
        public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Kernel(Inner.Boot(cpu, config));

        private sealed class Kernel(IKernel inner) : KernelDecorator(inner)
        {
            public override KernelOutcome Apply(KernelOp op) =>
                op is GetXsaveOp ? throw new InvalidOperationException("no case for KVM_GET_XSAVE") : Inner.Apply(op);
        }
    }

    private static KernelScenario GetXsaveScenario() =>
        new(new CpuCase(TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8"), null), KernelConfig.Default,
            [new VcpuCreateOp(1), new GetXsaveOp(0)]);

    [Fact]
    public void BothSidesCrashingAlike_IsAHarnessError_NotAnAgreement()
    {
        var law = Catalog.Find("kernel.kvm.differential")!;
        var both = new PropertyContext(new CrashesOnGetXsave(new OptimizedImplementation()), new CrashesOnGetXsave(new OracleImplementation()), []);
        var outcome = PropertyRunner.CheckInput(law, both, GetXsaveScenario());
        Assert.Equal(Verdict.HarnessError, outcome.Verdict);
        Assert.Contains("threw at step 1 vcpu0 KVM_GET_XSAVE: InvalidOperationException: no case for KVM_GET_XSAVE", outcome.Message);
        Assert.StartsWith("System.InvalidOperationException: no case for KVM_GET_XSAVE", outcome.Stack); // for --verbose
        Assert.Contains(" at ", outcome.Stack);
    }

    [Fact]
    public void TheSessionNamesTheImplementationAndTheStep_AndKeepsTheStack()
    {
        var session = new KernelSession(new CrashesOnGetXsave(new OptimizedImplementation()), GetXsaveScenario().Cpu.Cpu, KernelConfig.Default);
        session.Step(new VcpuCreateOp(1));
        var fault = Assert.Throws<ImplementationFault>(() => session.Step(new GetXsaveOp(0)));
        Assert.Equal("test:crashes-on-get-xsave", fault.Implementation);
        Assert.IsType<InvalidOperationException>(fault.InnerException);
        Assert.NotNull(fault.InnerException!.StackTrace);
    }

    [Fact]
    public void ACrashingDifferentialQuestion_IsAHarnessError()
    {
        var law = Catalog.Find("kernel.boot.differential")!;
        var throwing = new ThrowsOnBoot(new OptimizedImplementation());
        var outcome = PropertyRunner.Run(law, CatalogTests.Context() with { Subject = throwing }, new RunBudget(5, Seed: 1));
        Assert.Equal(Verdict.HarnessError, outcome.Verdict);
        Assert.Contains("test:throws-on-boot threw", outcome.Message);
    }

    private sealed class ThrowsOnBoot(IXstateImplementation inner) : MutantImplementation(inner)
    {
        public override string Name => "test:throws-on-boot";
        public override string Description => "throws on boot";
        public override string Source => "test double";
        public override IKernel Boot(CpuModel cpu, KernelConfig config) => throw new NotSupportedException("boot is not implemented");
    }
}
