using System.Numerics;
using Xsave.Optimized.Architecture;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// R47 xstate_required_size: KVM's own size calculation (arch/x86/kvm/cpuid.c), over the CPUID values cached at module
/// init for components 2..19 only (FP, SSE, bit 63 and unknown bits are ignored). Kept apart from Linux's
/// xstate_calculate_size so that their agreement stays something to check (I1, I17).
/// </summary>
public static class KvmXstateSize
{
    private const ulong Considered = ((1UL << KvmAbi.XfeatureMax) - 1) & ~KvmAbi.FpSse;

    /// <summary>
    /// Standard form: the furthest end (EBX_i + EAX_i); compacted: components packed in order, each aligned to 64 bytes
    /// when ECX_i[1]; never below 576.
    /// </summary>
    public static uint Required(XstateTables t, ulong xstateBv, bool compacted)
    {
        uint size = KvmAbi.XstateSize;
        for (ulong m = xstateBv & Considered; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            uint offset = compacted
                ? ((t.Aligned64 >> i & 1) != 0 ? (size + 63) & ~63u : size)
                : (uint)t.StandardOffset(i);
            uint end = offset + (uint)t.Size(i);
            if (end > size) size = end;
        }
        return size;
    }
}
