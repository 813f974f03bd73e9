using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// Where each component lives in a UABI buffer: always the standard format (R31, R70). These are the kernel's
/// xstate_offsets[]/xstate_sizes[] tables, recomputed from CPUID on every call. x87 covers bytes 0..159 (MXCSR and
/// MXCSR_MASK at 24..31 included, because the kernel copies FP as offsetof(fxregs_state, xmm_space) bytes) and SSE
/// is XMM0-15 at 160..415.
/// </summary>
public static class UabiLayout
{
    /// <summary>xstate_offsets[i]: standard-format offset (R3, R14).</summary>
    public static int Offset(CpuModel cpu, int i) => i switch
    {
        0 => 0,
        1 => LegacyRegion.XmmRegisters,
        _ => cpu.StandardOffset(i),
    };

    /// <summary>xstate_sizes[i]: FP = 160 bytes, SSE = 256 bytes, others CPUID.(0xD,i).EAX (R6).</summary>
    public static int Size(CpuModel cpu, int i) => i switch
    {
        0 => LegacyRegion.XmmRegisters,
        1 => 256,
        _ => cpu.ComponentSize(i),
    };

    /// <summary>
    /// The extended (i >= 2) components of <paramref name="mask"/> in ascending standard offset, the kernel's
    /// xfeature_uncompact_order (R3: offsets need not be monotonic in i). Ties keep component order.
    /// </summary>
    public static IReadOnlyList<int> ExtendedInOffsetOrder(CpuModel cpu, FeatureMask mask) =>
        mask.Indices().Where(i => i >= 2).OrderBy(i => cpu.StandardOffset(i)).ThenBy(i => i).ToList();
}
