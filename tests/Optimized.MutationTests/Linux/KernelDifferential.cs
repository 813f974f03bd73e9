using Xsave.Contract.Linux;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// A directed kernel sequence run on the optimized implementation and on the oracle through the gate's one step loop
/// (KernelSession): the boot and every step's outcome and state after it must be the oracle's. Returns the oracle's
/// steps so a test can show its case is not vacuous (the oracle reached the branch it is about).
/// </summary>
internal static class KernelDifferential
{
    public static IReadOnlyList<KernelStep> Run(string cpuId, KernelConfig config, params KernelOp[] ops)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == cpuId);
        var scenario = new KernelScenario(new CpuCase(cpu, null), config, ops);
        var mine = KernelRun.Execute(Subjects.Optimized, scenario);
        var want = KernelRun.Execute(Subjects.Oracle, scenario);
        Assert.Null(StepComparison.BootDifference(mine.Boot, want.Boot));
        for (int i = 0; i < ops.Length; i++)
            if (StepComparison.Difference(mine.Steps[i], want.Steps[i], compareState: true) is { } why)
                Assert.Fail($"{cpuId} step {i} {Contract.Linux.Operations.OpText.Describe(ops[i])}: {why}");
        return want.Steps;
    }

    public static IReadOnlyList<KernelStep> Run(string cpuId, params KernelOp[] ops) => Run(cpuId, KernelConfig.Default, ops);
}
