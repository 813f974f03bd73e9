using Xsave.Contract.Linux;
using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// xstate_calculate_size() (SPEC R46): the buffer size Linux computes for a feature set, on top of the architecture
/// oracle's layouts (R14, R15). Conventions: <c>mask</c> is a set of components the kernel has enabled
/// (a subset of kernel.max_features, possibly with FP/SSE).
/// </summary>
public static class XstateSizes
{
    /// <summary>sizeof(struct xregs_state): legacy region plus header.</summary>
    public const uint XregsStateSize = 576;

    public static uint Calculate(BootResult boot, FeatureMask mask, bool compacted) =>
        Calculate(boot.Cpu, boot.Config, mask, compacted);

    /// <summary>The same, before a <see cref="BootResult"/> exists (the boot itself needs it, R41/R42).</summary>
    public static uint Calculate(CpuModel cpu, KernelConfig config, FeatureMask mask, bool compacted)
    {
        // R46: nothing beyond x87/SSE -> the legacy region and the header only.
        if (mask.Except(XfeatureMasks.FpSse).IsEmpty) return XregsStateSize;

        if (compacted)
        {
            // R46 compacted: offset of the topmost component in a buffer whose XCOMP_BV is the mask, plus its size.
            // That is the end of the R15 walk: the compacted size of the mask.
            return (uint)CompactedLayout.Size(cpu, mask);
        }

        // R46 standard: the last user component in ascending-offset order ends the buffer (supervisor components
        // have no standard offset and are not in xfeature_uncompact_order).
        return (uint)StandardLayout.Size(cpu, mask & KernelMasks.UserSupported(config));
    }
}
