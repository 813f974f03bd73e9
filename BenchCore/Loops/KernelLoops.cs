using Xsave.Contract.Linux;

namespace Xsave.BenchCore.Loops;

/// <summary>
/// The same <see cref="KernelOp"/> applied again and again to one booted kernel: the operation object is built once,
/// so the loop measures <see cref="IKernel.Apply"/> and nothing else. Only for operations that leave the kernel in
/// the state they found it (a repeated request, a rejected or idempotent write).
/// </summary>
internal sealed class RepeatedOpLoop<TSlot>(IKernel kernel, KernelOp op) : IOperationLoop where TSlot : struct
{
    public long Run(int count)
    {
        long sum = 0;
        for (int k = 0; k < count; k++) sum += kernel.Apply(op).Result;
        return sum;
    }
}

/// <summary>
/// Two operations per iteration, the first putting the kernel back in the state the second needs (execve resets the
/// permissions, so the next ARCH_REQ_XCOMP_PERM takes the slow, first-request path again).
/// </summary>
internal sealed class PairedOpLoop<TSlot>(IKernel kernel, KernelOp reset, KernelOp op) : IOperationLoop where TSlot : struct
{
    public long Run(int count)
    {
        long sum = 0;
        for (int k = 0; k < count; k++)
        {
            kernel.Apply(reset);
            sum += kernel.Apply(op).Result;
        }
        return sum;
    }
}
