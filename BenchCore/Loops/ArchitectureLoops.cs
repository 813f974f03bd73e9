using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.BenchCore.Loops;

// The architecture queries: one interface call on ICpuArchitecture per operation, the argument read from a
// precomputed array, the answer folded into a checksum. Each loop remembers where it stopped so consecutive batches
// walk the whole array. TSlot only gives each prepared loop its own machine code (LoopSlots).

/// <summary>R14: <see cref="ICpuArchitecture.StandardSize"/> of a random valid XCR0.</summary>
internal sealed class StandardSizeLoop<TSlot>(ICpuArchitecture arch, FeatureMask[] masks) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            sum += arch.StandardSize(masks[i]);
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}

/// <summary>R15: <see cref="ICpuArchitecture.CompactedSize"/> of a random XCOMP_BV.</summary>
internal sealed class CompactedSizeLoop<TSlot>(ICpuArchitecture arch, FeatureMask[] masks) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            sum += arch.CompactedSize(masks[i]);
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}

/// <summary>R12-R14: the full <see cref="ICpuArchitecture.StandardLayout"/> (every placement) of a random valid XCR0.</summary>
internal sealed class StandardLayoutLoop<TSlot>(ICpuArchitecture arch, FeatureMask[] masks) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            var layout = arch.StandardLayout(masks[i]);
            sum += layout.Size + layout.Placements.Count;
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}

/// <summary>R15: the full <see cref="ICpuArchitecture.CompactedLayout"/> of a random XCOMP_BV.</summary>
internal sealed class CompactedLayoutLoop<TSlot>(ICpuArchitecture arch, FeatureMask[] masks) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            var layout = arch.CompactedLayout(masks[i]);
            sum += layout.Size + layout.Placements.Count;
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}

/// <summary>R8/R9: <see cref="ICpuArchitecture.CheckXcr0"/> of a precomputed value (all valid, or all invalid).</summary>
internal sealed class Xcr0ValidityLoop<TSlot>(ICpuArchitecture arch, FeatureMask[] masks) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            sum += arch.CheckXcr0(masks[i]).Rejections.Count + 1;
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}
