namespace Xsave.Optimized.Tests.Architecture.Instructions;

/// <summary>
/// The KO §1a host (Zen 5: XCR0 0xe7, CET_U/CET_S in XSS, XSAVEOPT/XSAVEC/XGETBV1/XSAVES, MXCSR_MASK 0x2FFFF) seen
/// through the optimized implementation, and builders for the states and areas of the KO §5 tables.
/// </summary>
internal static class Host
{
    public static CpuModel Cpu { get; } = ObservedHost.Zen5();

    public static ICpuArchitecture Arch { get; } = new OptimizedImplementation().Architecture(Cpu);

    /// <summary>KO §1b: XGETBV(0) = 0xe7.</summary>
    public const ulong Xcr0 = ObservedHost.Xcr0;

    /// <summary>KO §1a: standard offsets of YMM, opmask, ZMM_Hi256, Hi16_ZMM; standard size 2432.</summary>
    public const int YmmOffset = 576, OpmaskOffset = 832, ZmmHi256Offset = 896, Hi16ZmmOffset = 1408, StandardSize = 2432;

    /// <summary>A user thread: XCR0 0xe7, CPL 3, every component in its init configuration (R17).</summary>
    public static MachineState User() => ObservedHost.UserState(Cpu);

    /// <summary>The same at CPL 0 with IA32_XSS = CET_U|CET_S (supervisor code).</summary>
    public static MachineState Kernel() => User() with { Cpl = 0, Xss = new(0x1800) };

    /// <summary>KO §5a/§5b: measured buffers were pre-filled with 0xCC.</summary>
    public static XsaveBuffer Cc(int length = 4096) => ObservedHost.CcBuffer(length);

    /// <summary>A hand-written valid standard image (R12, R13): FCW 0x037F, MXCSR 0x1F80, XSTATE_BV, everything else zero.</summary>
    public static XsaveBuffer StandardImage(ulong xstateBv = Xcr0) =>
        XsaveBuffer.Zeroed(4096).WithUInt16(0, 0x037F).WithUInt32(24, 0x1F80).WithXstateBv(new(xstateBv));

    /// <summary>The same with XCOMP_BV = bit 63 | <paramref name="format"/> (compacted form, R13).</summary>
    public static XsaveBuffer CompactedImage(ulong xstateBv = Xcr0, ulong format = Xcr0) =>
        StandardImage(xstateBv).WithXcompBv(new(0x8000000000000000UL | format));

    public static InstructionOutcome Run(MachineState state, ArchOperation op) => Arch.Execute(state, op);

    public static InstructionOutcome Run(XsaveInstruction instruction, MachineState state, ulong edxEax, XsaveBuffer buffer) =>
        Arch.Execute(state, new XsaveFamilyOp(instruction, new FeatureMask(edxEax), buffer));

    /// <summary>The components of <paramref name="mask"/> hold distinct patterns (and so are in use).</summary>
    public static MachineState WithPatterns(MachineState state, ulong mask)
    {
        var s = state;
        foreach (int i in new FeatureMask(mask).Indices())
            s = s.WithComponent(i, i switch { 0 => X87Pattern(1), 1 => Pattern(256, 2), _ => Pattern(Cpu.ComponentSize(i), 10 * i) });
        return s;
    }

    /// <summary>Every user component of the host holds a distinct pattern (all in use).</summary>
    public static MachineState AllInUse(MachineState state) => WithPatterns(state, Xcr0);
}
