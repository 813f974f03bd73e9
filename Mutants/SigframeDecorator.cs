using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// A kernel whose signal frames a mutant rewrites: the decorator keeps its own copy of each thread's frame on the
/// stack (fork copies it, exec drops the process's frames), lets <see cref="Deliver"/> change what delivery wrote, and
/// answers a sigreturn of the stack frame by handing the inner kernel that (edited) frame explicitly, through
/// <see cref="Return"/>.
/// </summary>
public abstract class SigframeDecorator(IKernel inner) : KernelDecorator(inner)
{
    private readonly Dictionary<(int Pid, int Tid), byte[]> _stack = [];

    /// <summary>The frame as the mutant delivers it (default: as the inner kernel wrote it).</summary>
    protected virtual byte[] Deliver(SignalDeliverOp op, byte[] frame) => frame;

    /// <summary>The sigreturn of <paramref name="frame"/> (already edited) on the inner kernel.</summary>
    protected virtual KernelOutcome Return(SigreturnOp op, byte[] frame) => Inner.Apply(op with { Frame = frame, XorAt = -1, Xor = 0 });

    public override KernelOutcome Apply(KernelOp op)
    {
        switch (op)
        {
            case SignalDeliverOp d:
            {
                var outcome = Inner.Apply(op);
                if (outcome.Data is not { } frame) return outcome;
                var mutated = Deliver(d, frame);
                _stack[(d.Pid, d.Tid)] = mutated;
                return outcome with { Data = (byte[])mutated.Clone() };
            }
            case SigreturnOp r:
            {
                bool fromStack = r.Frame.Length == 0;
                var memory = (byte[])(fromStack ? _stack.GetValueOrDefault((r.Pid, r.Tid), []) : r.Frame).Clone();
                for (int k = 0; r.XorAt >= 0 && k < 8 && r.XorAt + k < memory.Length; k++) memory[r.XorAt + k] ^= (byte)(r.Xor >> (8 * k));
                if (fromStack) _stack[(r.Pid, r.Tid)] = memory;
                // An empty frame stays empty: the inner kernel would read its own stack instead.
                return memory.Length == 0 ? Inner.Apply(r with { Frame = [], XorAt = -1, Xor = 0 }) : Return(r, memory);
            }
            case ForkOp f:
            {
                var outcome = Inner.Apply(op);
                if (outcome.Created is { } child && _stack.TryGetValue((f.Pid, 0), out var frame)) _stack[(child, 0)] = frame;
                return outcome;
            }
            case ExecOp e:
                foreach (var key in _stack.Keys.Where(k => k.Pid == e.Pid).ToList()) _stack.Remove(key);
                return Inner.Apply(op);
            default:
                return Inner.Apply(op);
        }
    }
}
