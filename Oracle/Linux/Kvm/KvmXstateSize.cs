using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// R47 xstate_required_size, KVM's own size calculation (arch/x86/kvm/cpuid.c). It must agree with Linux's R46 and the
/// R14/R15 formulas; kept separate on purpose so that the agreement is a property to check (I1, I17), not a given.
/// </summary>
public static class KvmXstateSize
{
    /// <summary>
    /// Start at 576; for each component i in 2..19 of <paramref name="xstateBv"/> (FP, SSE, bit 63 and unknown bits are
    /// ignored): standard form -> its end is EBX_i + EAX_i; compacted -> it starts at the running size, rounded up to 64
    /// when ECX_i[1]; the size is the largest end.
    /// </summary>
    public static uint Required(CpuModel cpu, FeatureMask xstateBv, bool compacted)
    {
        uint size = XFeatures.ExtendedRegionStart;
        for (int i = 2; i < XFeatures.Max; i++)
        {
            if (!xstateBv.Contains(i)) continue;
            uint offset = compacted
                ? (cpu.IsAligned64(i) ? (uint)CompactedLayout.Align64((int)size) : size)
                : (uint)cpu.StandardOffset(i);
            size = Math.Max(size, offset + (uint)cpu.ComponentSize(i));
        }
        return size;
    }
}
