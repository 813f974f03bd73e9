using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Comparison;

/// <summary>
/// One implementation's booted kernel, stepped one operation at a time: the one step loop the kernel laws and the
/// scenario runner share. Names are tracked from what the implementation really created; an operation naming something
/// that does not exist is not applied (on every side alike). An exception from the implementation is an
/// <see cref="ImplementationFault"/> (a harness error), never an answer.
/// </summary>
public sealed class KernelSession
{
    private readonly IXstateImplementation _impl;
    private readonly List<KernelOp> _applied = [];

    public KernelSession(IXstateImplementation impl, CpuModel cpu, KernelConfig config)
    {
        _impl = impl;
        Kernel = ImplementationFault.Guard(impl.Name, "boot", () => impl.Boot(cpu, config));
        // A boot that died has no user space (IKernel): nothing exists, so no operation is applied.
        if (Kernel.Boot.Failed) Shape = WorldShape.Empty;
        Initial = Snapshot(-1);
    }

    public IKernel Kernel { get; }
    public string Implementation => _impl.Name;
    public KernelSnapshot? Initial { get; }
    public WorldShape Shape { get; private set; } = WorldShape.Initial;

    /// <summary>Every operation given so far, applied or not (what an invariant checkpoint replays).</summary>
    public IReadOnlyList<KernelOp> Given => _applied;

    /// <summary>The last buffer an operation returned (what a scenario's "saved" image refers to).</summary>
    public byte[]? LastData { get; private set; }

    public KernelStep Step(KernelOp op)
    {
        int index = _applied.Count;
        _applied.Add(op);
        if (Kernel.Boot.Failed)
            return new KernelStep(index, op, null, KernelStep.NotBootedReason, Snapshot(index));
        if (!Shape.Accepts(op))
            return new KernelStep(index, op, null, KernelStep.NotAppliedReason, Snapshot(index));
        var outcome = ImplementationFault.Guard(_impl.Name, () => $"step {index} {Contract.Linux.Operations.OpText.Describe(op)}", () => Kernel.Apply(op));
        if (Took(op, outcome)) Shape = Shape.After(op);
        if (outcome.Data is { } data) LastData = data;
        return new KernelStep(index, op, outcome, null, Snapshot(index));
    }

    /// <summary>Whether the operation's effect on the names happened: creations that created something, and exec and
    /// exit that succeeded (on an exited process they are -ESRCH and change nothing).</summary>
    private static bool Took(KernelOp op, KernelOutcome outcome) => Contract.Linux.Operations.KernelOps.For(op).Effect switch
    {
        Contract.Linux.Operations.OpEffect.None => true,
        Contract.Linux.Operations.OpEffect.SpawnsThread or Contract.Linux.Operations.OpEffect.ForksProcess
            or Contract.Linux.Operations.OpEffect.CreatesVcpu => outcome.Created is not null,
        _ => outcome.Result >= 0,
    };

    /// <summary>The snapshot after step <paramref name="index"/> (-1: after the boot).</summary>
    private KernelSnapshot? Snapshot(int index) =>
        ImplementationFault.Guard(_impl.Name, () => index < 0 ? "snapshot after boot" : $"snapshot after step {index}", Kernel.Snapshot);
}
