using Xsave.Contract;

namespace Xsave.TestSupport;

/// <summary>
/// Sizes worked out in the test from a CPU's raw CPUID leaf 0xD registers with the formulas of SPEC R14 and R15 — not
/// asked of the oracle or of the optimized implementation, so a test that compares a model's size with these can fail.
/// Holds for consistent dumps (R7: clean corpus profiles).
/// </summary>
public static class DumpFormulas
{
    /// <summary>Legacy region and header: the least any XSAVE buffer is (R14, R15).</summary>
    public const int LegacyAndHeader = 576;

    /// <summary>R14: the furthest end CPUID.(0xD,i).EBX + EAX of the user components of <paramref name="mask"/>, at least 576.</summary>
    public static int StandardSize(CpuModel cpu, FeatureMask mask)
    {
        int end = LegacyAndHeader;
        foreach (int i in mask.Indices().Where(i => i >= 2))
        {
            var r = cpu.SubLeaf(i);
            if ((r.Ecx & 1) != 0) continue; // ECX[0]: supervisor state, no standard-format location (R6)
            end = Math.Max(end, (int)(r.Ebx + r.Eax));
        }
        return end;
    }

    /// <summary>R15: from 576, the components of <paramref name="mask"/> in ascending order, each at the next
    /// 64-byte boundary when CPUID.(0xD,i).ECX[1] is set, CPUID.(0xD,i).EAX bytes long.</summary>
    public static int CompactedSize(CpuModel cpu, FeatureMask mask)
    {
        int offset = LegacyAndHeader;
        foreach (int i in mask.Indices().Where(i => i >= 2 && i < 63))
        {
            var r = cpu.SubLeaf(i);
            if ((r.Ecx & 2) != 0) offset = (offset + 63) / 64 * 64;
            offset += (int)r.Eax;
        }
        return offset;
    }
}
