using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// The expected layouts of a corpus CPU, worked out here from its CPUID dump with the formulas of SPEC R12, R14, R15
/// (not asked of the oracle or the renderer): what the strips must be drawn from.
/// </summary>
public static class DumpLayout
{
    /// <summary>R12: x87 state is bytes 0..159 and the XMM registers 160..415 of the legacy region.</summary>
    private static readonly (int Offset, int Size)[] Legacy = [(0, 160), (160, 256)];

    /// <summary>Every XCR0 bit the CPU supports: CPUID.(0xD,0).EDX:EAX.</summary>
    public static ulong Xcr0(string id) => Mask(RawCorpus.Register(id, 0, 0), RawCorpus.Register(id, 0, 3));

    /// <summary>Every IA32_XSS bit it supports: CPUID.(0xD,1).EDX:ECX.</summary>
    public static ulong Xss(string id) => Mask(RawCorpus.Register(id, 1, 2), RawCorpus.Register(id, 1, 3));

    /// <summary>R14: component i of XCR0 at CPUID.(0xD,i).EBX, CPUID.(0xD,i).EAX bytes long.</summary>
    public static IReadOnlyDictionary<int, (int Offset, int Size)> Standard(string id) =>
        Bits(Xcr0(id)).ToDictionary(i => i, i => i < 2 ? Legacy[i] : ((int)RawCorpus.Register(id, i, 1), (int)RawCorpus.Register(id, i, 0)));

    /// <summary>R15: from 576, ascending over XCR0|XSS, aligning to 64 where CPUID.(0xD,i).ECX[1] is set.</summary>
    public static IReadOnlyDictionary<int, (int Offset, int Size)> Compacted(string id)
    {
        var layout = new Dictionary<int, (int, int)>();
        int offset = 576;
        foreach (var i in Bits(Xcr0(id) | Xss(id)))
        {
            if (i < 2) { layout[i] = Legacy[i]; continue; }
            if (Aligned(id, i)) offset = (offset + 63) / 64 * 64;
            int size = (int)RawCorpus.Register(id, i, 0);
            layout[i] = (offset, size);
            offset += size;
        }
        return layout;
    }

    public static bool Aligned(string id, int index) => (RawCorpus.Register(id, index, 2) & 0b10) != 0;

    private static ulong Mask(uint low, uint high) => ((ulong)high << 32) | low;

    private static IEnumerable<int> Bits(ulong mask) => Enumerable.Range(0, 63).Where(i => (mask >> i & 1) != 0);
}
