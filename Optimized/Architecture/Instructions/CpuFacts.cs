using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>The XSAVE variants CPUID enumerates (CPUID.1:ECX[26] and CPUID.(0xD,1).EAX, SPEC R5), as one bit set.</summary>
[Flags]
internal enum XsaveVariants : byte
{
    None = 0,
    Xsave = 1 << 0,
    Xsaveopt = 1 << 1,
    Xsavec = 1 << 2,
    Xgetbv1 = 1 << 3,
    Xsaves = 1 << 4,
    Xfd = 1 << 5,
}

/// <summary>
/// What the instructions need to know about one CPU, computed once when the architecture is created (the kernel's
/// boot-time setup): the variants, MXCSR_MASK, which components a machine state holds and their init images
/// (the kernel's init_fpstate), on top of the size/offset tables.
/// </summary>
internal sealed class CpuFacts
{
    private readonly ImmutableArray<byte>[] _initImage = new ImmutableArray<byte>[64];
    private readonly int[] _heldSize = new int[64];

    public CpuFacts(XstateTables tables)
    {
        Tables = tables;
        var cpu = tables.Cpu;
        Variants = (cpu.Flags.Xsave ? XsaveVariants.Xsave : 0)
                 | (cpu.HasXsaveopt ? XsaveVariants.Xsaveopt : 0)
                 | (cpu.HasXsavec ? XsaveVariants.Xsavec : 0)
                 | (cpu.HasXgetbv1 ? XsaveVariants.Xgetbv1 : 0)
                 | (cpu.HasXsaves ? XsaveVariants.Xsaves : 0)
                 | (cpu.HasXfd ? XsaveVariants.Xfd : 0);
        MxcsrMask = cpu.MxcsrMask;

        // MachineState holds x87, SSE and every enumerated component with a non-zero size.
        Held = XsaveArea.X87Mask | XsaveArea.SseMask;
        _heldSize[XsaveArea.X87] = XsaveArea.X87Bytes;
        _heldSize[XsaveArea.Sse] = XsaveArea.XmmBytes;
        for (ulong m = (tables.SupportedXcr0 | tables.SupportedXss) & XsaveArea.ExtendedMask; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            if (tables.Size(i) == 0) continue;
            Held |= 1UL << i;
            _heldSize[i] = tables.Size(i);
        }

        // R17: init images are all zeros except FCW = 0x037F. Immutable, so one copy per CPU serves every state.
        for (ulong m = Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            var image = new byte[_heldSize[i]];
            if (i == XsaveArea.X87) XsaveArea.WriteU32(image, XsaveArea.Fcw, XsaveArea.InitFcw); // FCW, then FSW = 0
            _initImage[i] = ImmutableCollectionsMarshal.AsImmutableArray(image);
        }
    }

    public XstateTables Tables { get; }
    public CpuModel Cpu => Tables.Cpu;
    public XsaveVariants Variants { get; }
    public uint MxcsrMask { get; }

    /// <summary>The components a machine state of this CPU holds register contents for.</summary>
    public ulong Held { get; }

    public bool Has(XsaveVariants variant) => (Variants & variant) == variant;

    public ImmutableArray<byte> InitImage(int component) => _initImage[component];

    /// <summary>
    /// Whether <paramref name="state"/> can be a state of this CPU (the contract's shape rules): a state no machine
    /// can be in is a harness error, so the caller throws.
    /// </summary>
    public bool Fits(MachineState state)
    {
        if (state.Cpl is < 0 or > 3) return false;
        if ((state.Xcr0.Bits & ~Tables.SupportedXcr0) != 0 || (state.Xss.Bits & ~Tables.SupportedXss) != 0) return false;
        if (state.Components.Count != System.Numerics.BitOperations.PopCount(Held)) return false;
        foreach (var (i, bytes) in state.Components)
        {
            if (i is < 0 or > 63 || ((Held >> i) & 1) == 0 || bytes.Length != _heldSize[i]) return false;
            if (i == XsaveArea.X87 && bytes.AsSpan(XsaveArea.Mxcsr, 8).ContainsAnyExcept((byte)0)) return false;
        }
        return true;
    }
}
