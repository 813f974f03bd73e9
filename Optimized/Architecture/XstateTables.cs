using System.Numerics;
using Xsave.Contract;

namespace Xsave.Optimized.Architecture;

/// <summary>
/// Per-CPU xstate tables, computed once from CPUID leaf 0xD (the kernel's setup_xstate_cache): sizes, standard
/// offsets and flag masks, plus nibble-sliced lookup tables so that the size of any mask is one table read per four
/// bits up to its highest component.
/// </summary>
public sealed class XstateTables
{
    private const int LegacyAndHeader = 576;
    private const ulong ExtendedBits = ~0x3UL & ~(1UL << 63); // bits 2..62 carry sizes; 0/1 are legacy, 63 the format flag

    private readonly int[] _size = new int[64];
    private readonly int[] _standardOffset = new int[64];

    // _sizeSum[n << 4 | v]: total size of the components whose bits are v in nibble n of a mask.
    // _standardEnd[n << 4 | v]: max(offset + size) over user components whose bits are v in nibble n.
    // Nibbles, and rows only up to the highest nibble with an enumerated component: a CPU is booted per generated
    // case, and eight full byte rows were most of a boot's time and allocation. Queries mask with _enumerated.
    private readonly int[] _sizeSum, _standardEnd;
    private readonly ulong _enumerated;

    public XstateTables(CpuModel cpu)
    {
        Cpu = cpu;
        SupportedXcr0 = cpu.SupportedXcr0.Bits;
        SupportedXss = cpu.SupportedXss.Bits;
        foreach (var (i, regs) in cpu.Leaf0D) // the enumerated sub-leaves; a missing one reads as zeros (R4)
        {
            if (i is < 2 or > 62) continue;
            _size[i] = (int)regs.Eax;
            _standardOffset[i] = (int)regs.Ebx;
            if ((regs.Ecx & 2) != 0) Aligned64 |= 1UL << i;
            if ((regs.Ecx & 4) != 0) XfdCapable |= 1UL << i;
        }

        // Each byte value v is v without its lowest bit plus that bit: one step per entry, in increasing v, as the
        // kernel fills its tables once at boot (a CPU is booted per generated case, so this is on the gate's path).
        ulong standardUser = SupportedXcr0 & ExtendedBits, enumerated = 0;
        for (int i = 2; i < 63; i++)
            if (_size[i] != 0 || _standardOffset[i] != 0) enumerated |= 1UL << i;
        _enumerated = enumerated;
        int rows = enumerated == 0 ? 0 : (63 - BitOperations.LeadingZeroCount(enumerated)) / 4 + 1;
        _sizeSum = new int[rows * 16];
        _standardEnd = new int[rows * 16];
        for (int n = 0; n < rows; n++)
        {
            if (((enumerated >> (n * 4)) & 0xF) == 0) continue; // every entry of the row is 0, as allocated
            int row = n << 4;
            for (int v = 1; v < 16; v++)
            {
                int k = BitOperations.TrailingZeroCount(v), i = n * 4 + k, rest = row | (v & (v - 1));
                bool sized = ((ExtendedBits >> i) & 1) != 0;
                _sizeSum[row | v] = _sizeSum[rest] + (sized ? _size[i] : 0);
                _standardEnd[row | v] = sized && ((standardUser >> i) & 1) != 0
                    ? Math.Max(_standardEnd[rest], _standardOffset[i] + _size[i])
                    : _standardEnd[rest];
            }
        }
    }

    public CpuModel Cpu { get; }
    public ulong SupportedXcr0 { get; }
    public ulong SupportedXss { get; }
    public ulong Aligned64 { get; }
    public ulong XfdCapable { get; }

    public int Size(int feature) => _size[feature];
    public int StandardOffset(int feature) => _standardOffset[feature];

    /// <summary>Sum of the sizes of the components in <paramref name="mask"/> (bits 2..62 only).</summary>
    public int SumSizes(ulong mask)
    {
        ulong m = mask & ExtendedBits & _enumerated; // other bits have size 0, and no row
        int sum = 0;
        for (int row = 0; m != 0; row += 16, m >>= 4)
            sum += _sizeSum[row | (int)(m & 0xF)];
        return sum;
    }

    /// <summary>Standard-format size: the furthest end of any supported user component, at least 576.</summary>
    public int StandardSize(ulong xcr0)
    {
        ulong m = xcr0 & SupportedXcr0 & ExtendedBits & _enumerated;
        int end = LegacyAndHeader;
        for (int row = 0; m != 0; row += 16, m >>= 4)
        {
            int e = _standardEnd[row | (int)(m & 0xF)];
            if (e > end) end = e;
        }
        return end;
    }

    /// <summary>
    /// Compacted size. Without 64-byte-aligned components the size is additive (576 + sum); each aligned component
    /// present rounds the running offset up before it, so only those few need a step of their own.
    /// </summary>
    public int CompactedSize(ulong xcompBv)
    {
        ulong m = xcompBv & ExtendedBits;
        ulong aligned = m & Aligned64;
        if (aligned == 0) return LegacyAndHeader + SumSizes(m);

        int offset = LegacyAndHeader;
        ulong done = 0; // bits below the current position
        while (aligned != 0)
        {
            int j = BitOperations.TrailingZeroCount(aligned);
            ulong below = (1UL << j) - 1;
            offset += SumSizes(m & below & ~done);
            offset = (offset + 63) & ~63;
            offset += _size[j];
            done = below | (1UL << j);
            aligned &= aligned - 1;
        }
        return offset + SumSizes(m & ~done);
    }

    /// <summary>Compacted offset of <paramref name="feature"/> within XCOMP_BV (x87/SSE at their legacy offsets).</summary>
    public int CompactedOffset(ulong xcompBv, int feature)
    {
        if (feature == 0) return 0;
        if (feature == 1) return 160;
        // The offset of i is the size of the compacted area holding only the components below i, aligned if i is.
        int offset = CompactedSize(xcompBv & ((1UL << feature) - 1));
        return ((Aligned64 >> feature) & 1) != 0 ? (offset + 63) & ~63 : offset;
    }
}
