using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>Where the standard-format offsets of a synthetic CPU come from.</summary>
public enum OffsetStyle
{
    /// <summary>Intel: AVX-512 after the MPX gap (1088/1152/1664), PKRU 2688, AMX 2752/2816.</summary>
    Intel,
    /// <summary>AMD Zen 4/5: no MPX gap, AVX-512 at 832/896/1408, PKRU 2432.</summary>
    Amd,
    /// <summary>Components packed in ascending order, each at the next 64-byte boundary after the previous one.</summary>
    Packed,
}

/// <summary>
/// A synthetic but architecturally valid CPU: which components it enumerates and which XSAVE variants it has.
/// Shrinking works on this description; <see cref="ToCpuModel"/> turns it into CPUID leaf 0xD.
/// <paramref name="ArchLbrFlagOnly"/> is a hypervisor's inconsistency, not an architecture: the ARCH_LBR feature flag
/// without LBR in CPUID(0xD,1) (H12; only <see cref="FirmwareQuirkCpus"/> sets it).
/// </summary>
public sealed record SyntheticCpu(
    OffsetStyle Style,
    FeatureMask User,
    FeatureMask Supervisor,
    bool Xsaveopt,
    bool Xsavec,
    bool Xsaves,
    bool Xfd,
    FeatureMask ExtraAligned,
    bool ArchLbrFlagOnly = false)
{
    /// <summary>Sizes from the kernel's structures and real dumps (SPEC R1); LBR at depth 32.</summary>
    public static int SizeOf(int i) => i switch
    {
        2 => 256, 3 => 64, 4 => 64, 5 => 64, 6 => 512, 7 => 1024, 8 => 128, 9 => 8, 10 => 8, 11 => 16, 12 => 24,
        13 => 8, 14 => 48, 15 => 808, 16 => 8, 17 => 64, 18 => 8192, 19 => 128, 62 => 128,
        // A component without a size here cannot be generated: the coverage tests name it.
        _ => throw new ArgumentOutOfRangeException(nameof(i), i, "no synthetic size for this component"),
    };

    private static readonly Dictionary<int, int> IntelOffsets = new()
    {
        [2] = 576, [3] = 960, [4] = 1024, [5] = 1088, [6] = 1152, [7] = 1664, [9] = 2688, [17] = 2752, [18] = 2816,
        [19] = 960,
    };

    private static readonly Dictionary<int, int> AmdOffsets = new()
    {
        [2] = 576, [5] = 832, [6] = 896, [7] = 1408, [9] = 2432, [62] = 2440,
    };

    /// <summary>Number of optional things this CPU has: what shrinking reduces.</summary>
    public int Weight => User.Count + Supervisor.Count + (Xsaveopt ? 1 : 0) + (Xsavec ? 1 : 0) + (Xsaves ? 1 : 0) +
                         (Xfd ? 1 : 0) + ExtraAligned.Count + (Style == OffsetStyle.Packed ? 0 : 1) + (ArchLbrFlagOnly ? 1 : 0);

    public CpuModel ToCpuModel(string id = "synthetic")
    {
        var leaf = new Dictionary<int, CpuidRegs>(2 + User.Count + Supervisor.Count);
        var offsets = StandardOffsets();
        int maxEnd = 576;
        for (ulong m = User.Bits & ~3UL; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            uint ecx = (uint)((IsAligned(i) ? 2 : 0) | (Xfd && i == 18 ? 4 : 0));
            leaf[i] = new CpuidRegs((uint)SizeOf(i), (uint)offsets[i], ecx, 0);
            maxEnd = Math.Max(maxEnd, offsets[i] + SizeOf(i));
        }
        for (ulong m = Supervisor.Bits; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            leaf[i] = new CpuidRegs((uint)SizeOf(i), 0, (uint)(1 | (IsAligned(i) ? 2 : 0)), 0);
        }

        // Sub-leaf 0: EBX as if the OS had enabled every supported bit, so EBX = ECX (R4).
        leaf[0] = new CpuidRegs((uint)User.Bits, (uint)maxEnd, (uint)maxEnd, (uint)(User.Bits >> 32));
        uint eax1 = (uint)((Xsaveopt ? 1 : 0) | (Xsavec ? 2 : 0) | (Xsavec ? 4 : 0) | (Xsaves ? 8 : 0) | (Xfd ? 16 : 0));
        // Sub-leaf 1 EBX (a measured size) is left 0: laws never read it for synthetic CPUs.
        leaf[1] = new CpuidRegs(eax1, 0, (uint)Supervisor.Bits, (uint)(Supervisor.Bits >> 32));

        return new CpuModel
        {
            Id = id,
            Vendor = Style == OffsetStyle.Amd ? "AuthenticAMD" : "GenuineIntel",
            Family = Style == OffsetStyle.Amd ? 0x19 : 6,
            Leaf0D = leaf,
            MxcsrMask = Style == OffsetStyle.Amd ? 0x2FFFFu : 0xFFFFu,
            Flags = new CpuFeatureFlags
            {
                Avx = User.Contains(XFeature.Ymm),
                Mpx = User.Overlaps(ArchMasks.Mpx),
                Avx512F = User.Overlaps(ArchMasks.Avx512),
                IntelPt = Supervisor.Contains(XFeature.Pt),
                Pku = User.Contains(XFeature.Pkru),
                Ospke = User.Contains(XFeature.Pkru),
                Enqcmd = Supervisor.Contains(XFeature.Pasid),
                Shstk = Supervisor.Overlaps(ArchMasks.Cet),
                Ibt = Supervisor.Overlaps(ArchMasks.Cet),
                AmxTile = User.Overlaps(ArchMasks.Xtile),
                Apx = User.Contains(XFeature.Apx),
                ArchLbr = Supervisor.Contains(XFeature.Lbr) || ArchLbrFlagOnly,
                Uintr = Supervisor.Contains(XFeature.Uintr),
                Hwp = Supervisor.Contains(XFeature.Hwp),
                Hdc = Supervisor.Contains(XFeature.Hdc),
                Lwp = User.Contains(XFeature.Lwp),
            },
        };
    }

    private bool IsAligned(int i) => i is 17 or 18 || ExtraAligned.Contains(i);

    /// <summary>Standard offsets by component index (user components 2 and up; 0 elsewhere).</summary>
    private int[] StandardOffsets()
    {
        var table = Style switch { OffsetStyle.Intel => IntelOffsets, OffsetStyle.Amd => AmdOffsets, _ => null };
        var result = new int[64];
        int next = 576; // the furthest end placed so far
        for (ulong m = User.Bits & ~3UL; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            if (table is not null && table.TryGetValue(i, out var fixedOffset)) result[i] = fixedOffset;
            // Packed style, or a component the vendor table has no slot for: after everything placed so far.
            else result[i] = (next + 63) & ~63;
            next = Math.Max(next, result[i] + SizeOf(i));
        }
        return result;
    }

    public override string ToString() =>
        $"synthetic {Style} user={User.ToHex()} ({User.Describe()}) xss={Supervisor.ToHex()} " +
        $"xsaveopt={Xsaveopt} xsavec={Xsavec} xsaves={Xsaves} xfd={Xfd}" + (ExtraAligned.IsEmpty ? "" : $" aligned+={ExtraAligned.ToHex()}") +
        (ArchLbrFlagOnly ? " arch-lbr-flag-only" : "");
}
