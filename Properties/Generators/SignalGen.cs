using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>
/// Signal delivery, the handler's edits of the frame and rt_sigreturn (SPEC R72), and AT_MINSIGSTKSZ. The edits are
/// the KO §6a table: XSTATE_BV bits outside XCR0, header bytes 16 and 24, a reserved MXCSR bit, XCOMP_BV values,
/// corrupt magic words and sizes, sw xfeatures narrowed and widened, component bytes changed — so that sigreturn meets
/// both acceptance, the fx-only fallback and refusal.
/// </summary>
public static class SignalGen
{
    /// <summary>A named edit: XOR <see cref="Xor"/> into the 8 bytes at <see cref="At"/> (-1: the frame as delivered).</summary>
    public sealed record FrameEdit(string Name, int At, ulong Xor);

    public const int XstateBv = 512, XcompBv = 520, Magic1 = 464, ExtendedSize = 468, SwXfeatures = 472, XstateSize = 480;

    /// <summary>The edits of KO §6a for <paramref name="cpu"/> (offsets that need the CPU's layout computed from it).</summary>
    public static IReadOnlyList<FrameEdit> Edits(CpuModel cpu)
    {
        List<FrameEdit> edits =
        [
            new("none", -1, 0),
            new("xstate_bv bit 3 (outside XCR0 or MPX)", XstateBv, 1UL << 3),
            new("xstate_bv bit 63", XstateBv, 1UL << 63),
            new("xstate_bv bit 9 (PKRU) flipped", XstateBv, 1UL << 9),
            new("xstate_bv YMM flipped", XstateBv, 1UL << 2),
            new("header byte 16", XstateBv + 16, 1),
            // Bytes 24..63 of a standard header: XRSTOR ignores them and sigreturn restores with XRSTOR (KO §5d,
            // §6a), where ptrace's software check refuses them — the mistake worth meeting often.
            .. HeaderTail,
            new("mxcsr reserved bit 16", 24, 0x10000),
            new("mxcsr DAZ flipped", 24, 0x40),
            new("xcomp_bv = 1", XcompBv, 1),
            new("xcomp_bv = compacted | XCR0", XcompBv, (1UL << 63) | cpu.SupportedXcr0.Bits),
            new("xcomp_bv = compacted only", XcompBv, 1UL << 63),
            new("magic1 corrupt", Magic1, 1),
            new("magic2 corrupt", DefaultUserSize(cpu), 1),
            new("xstate_size - 64", XstateSize, 0x40),
            new("extended_size corrupt", ExtendedSize, 0xFFF),
            new("sw xfeatures YMM flipped", SwXfeatures, 1UL << 2),
            new("sw xfeatures bit 9 flipped", SwXfeatures, 1UL << 9),
            new("fcw changed", 0, 0x0C00),
            new("xmm0 changed", 160, 0x77),
        ];
        if (cpu.SupportedXcr0.Contains(XFeature.Ymm)) edits.Add(new("ymm0.hi changed", cpu.StandardOffset((int)XFeature.Ymm), 0x77));
        if (cpu.SupportedXcr0.Contains(XFeature.Pkru)) edits.Add(new("pkru value changed", cpu.StandardOffset((int)XFeature.Pkru), 0xC));
        return edits;
    }

    private static readonly FrameEdit[] HeaderTail =
        [new("header byte 24", XstateBv + 24, 1), new("header byte 40", XstateBv + 40, 0x80), new("header byte 63", XstateBv + 56, 1UL << 56)];

    /// <summary>user.default_size as a default task has it: the end of the furthest user component but TILEDATA.</summary>
    public static int DefaultUserSize(CpuModel cpu)
    {
        int end = XFeatures.HeaderOffset + XFeatures.HeaderSize;
        foreach (int i in cpu.SupportedXcr0.Indices())
            if (i >= 2 && i != (int)XFeature.XtileData && i < 20)
                end = Math.Max(end, cpu.StandardOffset(i) + cpu.ComponentSize(i));
        return end;
    }

    public static Gen<SigreturnOp> Sigreturn(CpuModel cpu, int pid, int tid) =>
        Weighted.Of(
            (2, Gen.Constant(new SigreturnOp(pid, tid, []))),
            (6, Gen.Elements(Edits(cpu).ToArray()).Select(e => new SigreturnOp(pid, tid, [], e.At, e.Xor))),
            // Once more the header bytes 24..63 XRSTOR ignores (ptrace's software check refuses them): a frame edit in
            // 24 was too rare for the mistake to be met on every seed once noxsave boots (FXSAVE frames) came in.
            (1, Gen.Elements(HeaderTail).Select(e => new SigreturnOp(pid, tid, [], e.At, e.Xor))),
            (1, KernelOpGen.Image(cpu, DefaultUserSize(cpu) + 4).Select(img => new SigreturnOp(pid, tid, img))));

    /// <summary>The weighted choices <see cref="KernelOpGen.Next"/> adds.</summary>
    public static IEnumerable<(int, Gen<KernelOp>)> Ops(CpuModel cpu, Gen<int> pid, Gen<(int p, int t)> thread) =>
    [
        (3, from pt in thread from alt in Gen.Elements(false, true) select (KernelOp)new SignalDeliverOp(pt.p, pt.t, alt)),
        (3, from pt in thread from op in Sigreturn(cpu, pt.p, pt.t) select (KernelOp)op),
        (1, pid.Select(p => (KernelOp)new MinSigStkSzOp(p))),
    ];
}
