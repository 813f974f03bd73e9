using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>The arbitrary scenarios the kernel laws run: CPU from the context, operations from <see cref="KernelOpGen"/>.</summary>
public static class ScenarioGen
{
    public static Arbitrary<KernelScenario> Arbitrary(PropertyContext ctx, bool kvm) => Arbitrary(ctx, KernelOpGen.Scenario(Cpus(ctx), kvm));

    /// <summary>Scenarios from <paramref name="scenarios"/>, shrunk as the random sequences are.</summary>
    public static Arbitrary<KernelScenario> Arbitrary(PropertyContext ctx, Gen<KernelScenario> scenarios) =>
        Arb.From(scenarios, s => KernelScenarioShrinker.Shrink(s, c => ctx.FixedCpu is null ? CpuGen.Shrink(c, ctx.CorpusCpus) : []));

    /// <summary>
    /// The random sequences, half of them ended by one of <paramref name="tails"/> (operations chosen from the world the
    /// sequence left): for laws about an event random operations reach too rarely to count on (issue 16).
    /// </summary>
    public static Gen<KernelScenario> EndingIn(PropertyContext ctx, bool kvm, params Func<WorldShape, IEnumerable<KernelOp>>[] tails) =>
        from s in KernelOpGen.Scenario(Cpus(ctx), kvm)
        from end in Gen.Choose(-tails.Length, tails.Length - 1)
        select end < 0 ? s : s with { Ops = [.. s.Ops, .. tails[end](s.Ops.Aggregate(WorldShape.Initial, (w, op) => w.After(op)))] };

    /// <summary>An exit_group of a live process, a VMM's first, after a fork when only one lives (random operations
    /// fork and then exit in about one sequence in a hundred).</summary>
    public static IEnumerable<KernelOp> ExitTail(WorldShape shape)
    {
        var live = shape.LiveProcesses.ToList();
        if (live.Count > 1) return [new ExitGroupOp(VmmFirst(shape, live))];
        if (live.Count == 1 && shape.Processes < WorldShape.MaxProcesses) return [new ForkOp(live[0]), new ExitGroupOp(live[0])];
        return [];
    }

    /// <summary>An execve of a live process, a VMM's first.</summary>
    public static IEnumerable<KernelOp> VmmExecTail(WorldShape shape)
    {
        var live = shape.LiveProcesses.ToList();
        return live.Count == 0 ? [] : [new ExecOp(VmmFirst(shape, live))];
    }

    /// <summary>ARCH_GET_XCOMP_SUPP, _PERM and _GUEST_PERM asked by a live process.</summary>
    public static IEnumerable<KernelOp> GetPermTail(WorldShape shape) =>
        shape.LiveProcesses.TakeLast(1).SelectMany(p => new[] { Uapi.ArchPrctl.GetXcompSupp, Uapi.ArchPrctl.GetXcompPerm, Uapi.ArchPrctl.GetXcompGuestPerm }
            .Select(option => (KernelOp)new ArchPrctlOp(p, option, 0x7ffd_0000)));

    /// <summary>KVM_GET_SUPPORTED_CPUID asked by a live process.</summary>
    public static IEnumerable<KernelOp> SupportedCpuidTail(WorldShape shape) =>
        shape.LiveProcesses.Select(p => (KernelOp)new KvmGetSupportedCpuidOp(p)).TakeLast(1);

    /// <summary>The owner of a live vCPU among <paramref name="live"/>, else the last of them.</summary>
    private static int VmmFirst(WorldShape shape, List<int> live) =>
        shape.LiveVcpus.Select(v => shape.Vcpus[v].Pid).Where(live.Contains).DefaultIfEmpty(live[^1]).First();

    /// <summary>A fork of the last live process, then an execve of the child (random operations fork in about one
    /// sequence in ten).</summary>
    public static IEnumerable<KernelOp> ForkExecTail(WorldShape shape)
    {
        var live = shape.LiveProcesses.ToList();
        return live.Count == 0 || shape.Processes >= WorldShape.MaxProcesses ? []
            : [new ForkOp(live[^1]), new ExecOp(shape.Processes + 1)];
    }

    /// <summary>An execve of the last live process.</summary>
    public static IEnumerable<KernelOp> ExecTail(WorldShape shape) =>
        shape.LiveProcesses.Select(p => (KernelOp)new ExecOp(p)).TakeLast(1);

    /// <summary>An INIT of the last live vCPU (random operations INIT in about one sequence in ten).</summary>
    public static IEnumerable<KernelOp> InitTail(WorldShape shape) =>
        shape.LiveVcpus.Select(v => (KernelOp)new VcpuInitOp(v)).TakeLast(1);

    /// <summary>
    /// The sequences' CPUs: as every law's, and as often one with AMX and XFD (corpus or synthetic), where the dynamic
    /// feature paths (permission, first use, uABI sizes above 4 KiB, XFD) exist at all — drawn as every law's, about
    /// one CPU in six had them and those paths were met in 1-5% of the sequences (issue 16).
    /// </summary>
    public static Gen<CpuCase> Cpus(PropertyContext ctx) => ctx.FixedCpu is not null ? InputGen.Cpus(ctx)
        : Weighted.Of((1, InputGen.Cpus(ctx)),
            (1, InstructionGen.CpusWith(ctx, c => ArchMasks.Xtile.IsSubsetOf(c.SupportedXcr0) && c.HasXfd,
                s => s with { User = s.User | ArchMasks.Xtile, Xfd = true })));
}
