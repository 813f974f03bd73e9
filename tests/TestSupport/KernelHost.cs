using System.Text.Json;
using Xunit;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.TestSupport;

/// <summary>
/// A booted kernel (any <see cref="IKernel"/>) driven by a test, one operation at a time. With a reference kernel,
/// every operation goes to both and the outcomes and snapshots must agree (the differential smoke tests); without,
/// it is a plain host for the implementation's own tests.
/// </summary>
public class KernelHost
{
    private readonly IKernel? _reference;
    private readonly Func<KernelOp, string> _describeOp;
    private readonly Func<KernelSnapshot, KernelSnapshot, string> _describeDiff;
    private readonly List<string> _history = [];

    public KernelHost(IKernel subject, IKernel? reference = null, Func<KernelOp, string>? describeOp = null,
        Func<KernelSnapshot, KernelSnapshot, string>? describeDiff = null)
    {
        Subject = subject;
        _reference = reference;
        _describeOp = describeOp ?? (op => op.ToString());
        _describeDiff = describeDiff ?? ((got, want) => $"\n  subject:   {got}\n  reference: {want}");
        if (reference is null) return;
        Assert.Equal(reference.Boot, subject.Boot);
        Assert.True(subject.Snapshot()!.Equals(reference.Snapshot()), "state after boot differs: " +
            _describeDiff(subject.Snapshot()!, reference.Snapshot()!));
    }

    public IKernel Subject { get; }

    public BootSummary Boot => (_reference ?? Subject).Boot;

    /// <summary>Applies the operation (to both kernels when there is a reference, which must agree); its outcome.</summary>
    public KernelOutcome Do(KernelOp op)
    {
        if (_reference is null) return Subject.Apply(op);
        _history.Add(_describeOp(op));
        var expected = _reference.Apply(op);
        KernelOutcome actual;
        try
        {
            actual = Subject.Apply(op);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Assert.Fail($"{Where()}: the subject threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            throw;
        }
        if (!actual.Equals(expected))
            Assert.Fail($"{Where()}: outcomes differ\n  subject:   {Show(actual)}\n  reference: {Show(expected)}");

        var want = _reference.Snapshot()!;
        var got = Subject.Snapshot()!;
        if (!got.Equals(want)) Assert.Fail($"{Where()}: snapshots differ: {_describeDiff(got, want)}");
        return expected;
    }

    /// <summary>The operation's result (0, a count or -errno).</summary>
    public long R(KernelOp op) => Do(op).Result;

    /// <summary>The subject's snapshot of vCPU <paramref name="id"/>.</summary>
    public VcpuSnapshot Vcpu(int id) => Subject.Snapshot()!.Vcpus[id];

    /// <summary>A vCPU of process <paramref name="pid"/> with <paramref name="cpuid"/> set (asserting both succeed).</summary>
    public int NewVcpu(IReadOnlyList<CpuidEntry>? cpuid = null, int pid = 1)
    {
        var created = Do(new VcpuCreateOp(pid));
        Assert.NotNull(created.Created);
        int id = created.Created!.Value;
        if (cpuid is not null) Assert.Equal(0, R(new SetCpuid2Op(id, cpuid)));
        return id;
    }

    private string Where() =>
        $"step {_history.Count - 1} ({_history[^1]})\n  history:\n    " + string.Join("\n    ", _history.TakeLast(12));

    private static string Show(KernelOutcome o) => JsonSerializer.Serialize(new
    {
        o.Result, o.Value, o.Created, o.Signal, o.Exits,
        Cpuid = o.Cpuid?.Select(e => $"0x{e.Function:x}.{e.Index}: {e.Regs}"),
        Data = o.Data is null ? null : $"{o.Data.Length} bytes, XSTATE_BV=0x{(o.Data.Length >= 520 ? Bytes.U64(o.Data, 512) : 0):x}, " +
                                       $"sha={FpStateSnapshot.HashOf(o.Data)}",
    });
}
