using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Cli.Kernel;

/// <summary>
/// One user-mode instruction case (KO §5, C1-C4): the registers are first loaded from <see cref="InstructionCases.State"/>
/// with XRSTOR (RFBM = XCR0), then <see cref="Instruction"/> runs on <see cref="Buffer"/> at a 64-byte aligned address
/// plus <see cref="Misalign"/> with EDX:EAX = <see cref="Rfbm"/>, then every XCR0 component is saved with XSAVE.
/// </summary>
public sealed record InstructionCase(string Name, string Description, string Rule, XsaveInstruction Instruction, ulong Rfbm, int Misalign, byte[] Buffer)
{
    public string Line(byte[] state) =>
        $"{Name} {Instruction.ToString().ToLowerInvariant()} {Mutation.Hex(Rfbm)} {Misalign} {Convert.ToHexString(state)} {Convert.ToHexString(Buffer)}";
}

/// <summary>The case list, derived from the live CPU model and XCR0 (nothing assumes a particular CPU).</summary>
public static class InstructionCases
{
    /// <summary>
    /// The register state every case starts from, as a standard image with XSTATE_BV = XCR0: FCW 0x027F (not the
    /// init value, so x87 is in use), MXCSR 0x1F80, XMMn = 16 × (0x10 + n), every other component filled with 0x20 + i
    /// in its register bytes (<see cref="RegisterFields"/>: zeros beyond PKRU and BNDCFGU/BNDSTATUS).
    /// </summary>
    public static byte[] State(CpuModel cpu, ICpuArchitecture arch, FeatureMask xcr0)
    {
        var image = new byte[arch.StandardSize(xcr0)];
        image[0] = 0x7F; image[1] = 0x02;
        BitConverter.TryWriteBytes(image.AsSpan(24, 4), MachineState.InitMxcsr);
        for (int n = 0; n < 16; n++) image.AsSpan(160 + 16 * n, 16).Fill((byte)(0x10 + n));
        foreach (var c in arch.StandardLayout(xcr0).Placements.Where(c => c.Index >= 2))
        {
            image.AsSpan(c.Offset, c.Size).Fill((byte)(0x20 + c.Index));
            // PKRU and BNDCSR hold only their registers on a CPU (docs/findings.md F5).
            RegisterFields.Canonicalize(c.Index, image.AsSpan(c.Offset, c.Size));
        }
        BitConverter.TryWriteBytes(image.AsSpan(512, 8), xcr0.Bits);
        return image;
    }

    public static IReadOnlyList<InstructionCase> All(CpuModel cpu, ICpuArchitecture arch, FeatureMask xcr0)
    {
        var state = State(cpu, arch, xcr0);
        int saveLength = Math.Max(arch.StandardSize(xcr0), arch.CompactedSize(xcr0)) + 64;
        ulong all = xcr0.Bits, ones = ulong.MaxValue, bit63 = 1UL << 63;
        int bad = new[] { 3, 4, 8, 9, 10, 13, 14, 15, 16 }.First(b => !xcr0.Contains(b));
        uint reserved = 0x1F80 | PtraceChecks.ReservedMxcsrBit(cpu.MxcsrMask);
        var list = new List<InstructionCase>();

        byte[] SaveBuffer(ulong bvBefore)
        {
            var b = new byte[saveLength];
            Array.Fill(b, (byte)0xCC);
            BitConverter.TryWriteBytes(b.AsSpan(512, 8), bvBefore);
            return b;
        }
        void Save(string name, string what, string rule, XsaveInstruction i, ulong rfbm, int mis = 0, ulong bvBefore = 0xCCCC_CCCC_CCCC_CCCC) =>
            list.Add(new(name, what, rule, i, rfbm, mis, SaveBuffer(bvBefore)));
        void Restore(string name, string what, string rule, ulong rfbm, string spec, int mis = 0) =>
            list.Add(new(name, what, rule, XsaveInstruction.Xrstor, rfbm, mis, Mutation.Apply(Pad(state, saveLength), spec)));

        Save("xsave_xcr0", "XSAVE RFBM=XCR0 into a 0xCC buffer", "R19", XsaveInstruction.Xsave, all);
        foreach (ulong rfbm in new ulong[] { 0x1, 0x3, 0x4, 0x0 }.Where(r => (r & ~all) == 0))
            Save($"xsave_{rfbm:x}", $"XSAVE RFBM=0x{rfbm:x}", "R19", XsaveInstruction.Xsave, rfbm);
        Save("xsave_ones", "XSAVE EDX:EAX=~0 (RFBM = XCR0)", "R19", XsaveInstruction.Xsave, ones);
        Save("xsave_keep_bv", "XSAVE RFBM=3 keeps XSTATE_BV bits outside RFBM", "R19", XsaveInstruction.Xsave, 0x3, bvBefore: ones);
        Save("xsave_misaligned", "XSAVE to a buffer +16 (#GP)", "R18", XsaveInstruction.Xsave, all, 16);
        if (cpu.HasXsaveopt) Save("xsaveopt_fresh", "XSAVEOPT RFBM=XCR0 to a fresh buffer", "R20, R20a", XsaveInstruction.Xsaveopt, all);
        if (cpu.HasXsavec)
        {
            Save("xsavec_xcr0", "XSAVEC RFBM=XCR0: XCOMP_BV, packed offsets", "R21, R15", XsaveInstruction.Xsavec, all);
            foreach (int i in xcr0.Indices().Where(i => i >= 2))
                Save($"xsavec_{i}", $"XSAVEC RFBM=bit {i} only", "R21, R15", XsaveInstruction.Xsavec, 1UL << i);
            Save("xsavec_3", "XSAVEC RFBM=3", "R21", XsaveInstruction.Xsavec, 0x3);
            Save("xsavec_0", "XSAVEC RFBM=0", "R21", XsaveInstruction.Xsavec, 0);
            Save("xsavec_ones", "XSAVEC EDX:EAX=~0", "R21", XsaveInstruction.Xsavec, ones);
            Save("xsavec_misaligned", "XSAVEC to a buffer +16 (#GP)", "R18", XsaveInstruction.Xsavec, all, 16);
        }

        ulong firstOutside7 = xcr0.Indices().Where(i => i > 2).Select(i => 1UL << i).FirstOrDefault();
        Restore("xrstor_valid", "XRSTOR standard image RFBM=XCR0", "R23", all, $"bv={Mutation.Hex(all)}");
        Restore("xrstor_ones", "XRSTOR standard image EDX:EAX=~0", "R23", ones, $"bv={Mutation.Hex(all)}");
        Restore("xrstor_bv_bad", $"XRSTOR XSTATE_BV |= bit {bad} (not in XCR0)", "R23", all, $"bvor={Mutation.Hex(1UL << bad)}");
        Restore("xrstor_bv_63", "XRSTOR XSTATE_BV |= bit 63", "R23", all, $"bvor={Mutation.Hex(bit63)}");
        Restore("xrstor_bv_bad_rfbm7", $"XRSTOR RFBM=7, XSTATE_BV |= bit {bad}", "R23", 0x7, $"bvor={Mutation.Hex(1UL << bad)}");
        if (firstOutside7 != 0)
            Restore("xrstor_bv_outside_rfbm", $"XRSTOR RFBM=7, XSTATE_BV has XCR0 bit 0x{firstOutside7:x} outside RFBM", "R23", 0x7, $"bv={Mutation.Hex(0x7 | firstOutside7)}");
        Restore("xrstor_xcomp_1", "XRSTOR standard, XCOMP_BV = 1", "R23", all, "xcomp=0x1");
        Restore("xrstor_xcomp_xcr0", "XRSTOR XCOMP_BV = XCR0 without bit 63", "R23", all, $"xcomp={Mutation.Hex(all)}");
        foreach (int off in new[] { 528, 535, 536, 575 })
            Restore($"xrstor_hdr{off - 512}", $"XRSTOR standard, header byte {off - 512} = 1", "R23 (C3)", all, $"u8={off}:1");
        Restore("xrstor_bytes_416_511", "XRSTOR with garbage in bytes 416..511", "R23", all, "u64=416:0x7777777777777777,u64=464:0x7777777777777777,u64=504:0x7777777777777777");
        Restore("xrstor_mxcsr_reserved", "XRSTOR standard MXCSR reserved bit, RFBM=~0", "R23 (C4)", ones, $"mxcsr={Mutation.Hex(reserved)}");
        if (PtraceChecks.HighMaskBit(cpu.MxcsrMask) is { } high)
            Restore("xrstor_mxcsr_mask_bit", $"XRSTOR MXCSR bit 0x{high:x} inside MXCSR_MASK", "R23 (C4)", all, $"mxcsr={Mutation.Hex(0x1F80 | high)}");
        Restore("xrstor_mxcsr_reserved_bv_no_sse", "XRSTOR MXCSR reserved, XSTATE_BV[1,2]=0, RFBM[1]=1", "R23 (C4)", all, $"bv={Mutation.Hex(all & ~6UL)},mxcsr={Mutation.Hex(reserved)}");
        Restore("xrstor_mxcsr_reserved_rfbm1", "XRSTOR MXCSR reserved, RFBM=1", "R23 (C4)", 0x1, $"mxcsr={Mutation.Hex(reserved)}");
        if (xcr0.Contains(XFeature.Ymm))
        {
            Restore("xrstor_mxcsr_reserved_rfbm4", "XRSTOR MXCSR reserved, RFBM=4", "R23 (C4)", 0x4, $"mxcsr={Mutation.Hex(reserved)}");
            Restore("xrstor_ymm_init", "XRSTOR RFBM=7, XSTATE_BV=3: YMM initialised", "R23, R26", 0x7, "bv=0x3");
        }
        Restore("xrstor_mxcsr_bv0", "XRSTOR standard RFBM=XCR0, XSTATE_BV=0, MXCSR 0x1fc0: MXCSR loaded", "R23 (C4)", all, "bv=0x0,mxcsr=0x1fc0");
        foreach (int mis in new[] { 8, 16, 32 })
            Restore($"xrstor_misaligned_{mis}", $"XRSTOR from a buffer +{mis} (#GP)", "R18", all, $"bv={Mutation.Hex(all)}", mis);

        if (cpu.HasXsavec)
        {
            string compacted = $"xcomp={Mutation.Hex(bit63 | all)}";
            Restore("xrstor_c_init", "XRSTOR compacted XCOMP_BV=bit63|XCR0, XSTATE_BV=0", "R24", all, $"{compacted},bv=0x0");
            Restore("xrstor_c_only63", "XRSTOR XCOMP_BV = bit 63 only, XSTATE_BV = 0", "R24", all, $"xcomp={Mutation.Hex(bit63)},bv=0x0");
            Restore("xrstor_c_only63_bv7", "XRSTOR XCOMP_BV = bit 63 only, XSTATE_BV = 7", "R24", all, $"xcomp={Mutation.Hex(bit63)},bv={Mutation.Hex(all & 7)}");
            foreach (int off in new[] { 528, 536, 575 })
                Restore($"xrstor_c_hdr{off - 512}", $"XRSTOR compacted, header byte {off - 512} = 1", "R24 (C3)", all, $"{compacted},bv=0x0,u8={off}:1");
            Restore("xrstor_c_xcomp_bad", $"XRSTOR compacted, XCOMP_BV has bit {bad} (not in XCR0)", "R24", all, $"xcomp={Mutation.Hex(bit63 | all | 1UL << bad)},bv=0x0");
            if (all != (all & 7))
                Restore("xrstor_c_bv_not_in_xcomp", "XRSTOR compacted XCOMP_BV=bit63|7, XSTATE_BV=XCR0", "R24", all, $"xcomp={Mutation.Hex(bit63 | (all & 7))},bv={Mutation.Hex(all)}");
            Restore("xrstor_c_mxcsr_reserved_sse", "XRSTOR compacted MXCSR reserved, XSTATE_BV has SSE", "R24 (C4)", all, $"{compacted},bv=0x3,mxcsr={Mutation.Hex(reserved)}");
            Restore("xrstor_c_mxcsr_reserved_nosse", "XRSTOR compacted MXCSR reserved, XSTATE_BV[1,2]=0", "R24 (C4)", all, $"{compacted},bv=0x1,mxcsr={Mutation.Hex(reserved)}");
            Restore("xrstor_c_mxcsr_init", "XRSTOR compacted RFBM=7 XSTATE_BV=1, MXCSR 0x1fc0: MXCSR initialised", "R24 (C4)", 0x7 & all, $"xcomp={Mutation.Hex(bit63 | (all & 7))},bv=0x1,mxcsr=0x1fc0");
        }
        return list;
    }

    private static byte[] Pad(byte[] image, int length)
    {
        var b = new byte[Math.Max(length, image.Length)];
        image.CopyTo(b, 0);
        return b;
    }
}
