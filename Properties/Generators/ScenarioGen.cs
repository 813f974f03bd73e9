using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Properties.Generators;

/// <summary>The arbitrary scenarios the kernel laws run: CPU from the context, operations from <see cref="KernelOpGen"/>.</summary>
public static class ScenarioGen
{
    public static Arbitrary<KernelScenario> Arbitrary(PropertyContext ctx, bool kvm) =>
        Arb.From(KernelOpGen.Scenario(InputGen.Cpus(ctx), kvm),
            s => KernelScenarioShrinker.Shrink(s, c => ctx.FixedCpu is null ? CpuGen.Shrink(c, ctx.CorpusCpus) : []));
}
