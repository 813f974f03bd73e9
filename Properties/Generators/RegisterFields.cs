using System.Buffers.Binary;
using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// Extended components whose area is larger than the registers a CPU holds for them (docs/findings.md F5), as a data
/// table: component → the bytes that are register state. SDM Vol. 1 13.5.4: in the BNDCSR section (64 bytes) bytes 7:0
/// are BNDCFGU and 15:8 BNDSTATUS; 13.5.7 and Vol. 3A 2.7: PKRU is a 32-bit register, in bytes 3:0 of its 8-byte
/// section. The rest is no register: a CPU neither loads nor holds it, and the SDM does not say what XSAVE writes there
/// (it says so only for PT state, 13.5.6, where XSAVES writes zeroes). So on a fixed machine (a CPU) generated states and
/// images carry zeros there (<see cref="Canonicalize(int, Span{byte})"/>), and differential laws do not compare those
/// bytes of a save (<see cref="OpenBytes"/>). The x87 image has its own rules (<see cref="X87Fields"/>, F1).
/// <para>BNDCFGU also gets BNDPRESERVE = 1 whenever EN = 1 (F8): with MPX enabled at CPL 3 and BNDPRESERVE = 0, every
/// near branch without a BND prefix initializes BND0-3 (SDM Vol. 1 17.3), and a CPU-level implementation runs branches
/// between loading a state and saving it; the oracle of the XSAVE instructions rightly knows nothing of branches.</para>
/// </summary>
public static class RegisterFields
{
    public const int Bndcsr = 4, Pkru = 9;
    private const byte BndcfguEnable = 0x01, BndcfguPreserve = 0x02;

    /// <summary>Component → its register bytes (the rest of the component is not register state).</summary>
    public static ImmutableSortedDictionary<int, ByteRange> Registers { get; } = new Dictionary<int, ByteRange>
    {
        [Bndcsr] = new(0, 16),   // BNDCFGU 7:0, BNDSTATUS 15:8
        [Pkru] = new(0, 4),      // PKRU 3:0
    }.ToImmutableSortedDictionary();

    /// <summary>Rewrites the image of component <paramref name="index"/> in place (other components are left alone).</summary>
    public static void Canonicalize(int index, Span<byte> image)
    {
        if (!Registers.TryGetValue(index, out var registers)) return;
        if (image.Length > registers.End) image[registers.End..].Clear();
        if (index == Bndcsr && image.Length > 0 && (image[0] & BndcfguEnable) != 0) image[0] |= BndcfguPreserve;
    }

    public static byte[] Canonical(int index, byte[] image)
    {
        if (!Registers.ContainsKey(index)) return image;
        var copy = (byte[])image.Clone();
        Canonicalize(index, copy);
        return copy;
    }

    /// <summary>Why <paramref name="state"/> holds what a CPU cannot (a non-register byte, BNDCFGU.EN without
    /// BNDPRESERVE), or null.</summary>
    public static string? Misfit(MachineState state)
    {
        foreach (var (index, bytes) in state.Components)
            if (Registers.ContainsKey(index) && !bytes.AsSpan().SequenceEqual(Canonical(index, bytes.ToArray())))
                return $"component {index} ({ComponentCatalogue.ShortName(index)}) holds {(index == Bndcsr && (bytes[0] & 3) == 1
                    ? "BNDCFGU.EN = 1 with BNDPRESERVE = 0 (the CPU-level helper's branches would initialize BND0-3)"
                    : "bytes beyond its registers")}, which a CPU does not keep (docs/findings.md F5, F8)";
        return null;
    }

    /// <summary>
    /// Canonicalizes the table's components where an XRSTOR of <paramref name="area"/> would read them: in the layout its
    /// header names (compacted when XCOMP_BV[63] = 1, from XCOMP_BV; standard otherwise). Parts beyond the area are skipped.
    /// </summary>
    public static void CanonicalizeArea(CpuModel cpu, Span<byte> area)
    {
        if (area.Length < XsaveImage.MinimumSize) return;
        var xcompBv = new FeatureMask(BinaryPrimitives.ReadUInt64LittleEndian(area[(XFeatures.HeaderOffset + 8)..]));
        foreach (var (index, place) in Places(cpu, Registers.Keys, xcompBv))
            if (place.End <= area.Length) Canonicalize(index, area.Slice(place.Offset, place.Length));
    }

    /// <summary>
    /// The bytes of <paramref name="saved"/> that are not register state of a component the save wrote (RFBM): what a
    /// comparison with a CPU must not look at, because the SDM leaves them open (see the class comment).
    /// The layout is the instruction's: standard for XSAVE/XSAVEOPT (which leave XCOMP_BV as it was), compacted with the
    /// XCOMP_BV written for XSAVEC/XSAVES.
    /// The same holds for the reserved bytes 10..15 of each 16-byte ST slot of the x87 image (SDM Vol. 1 Table 10-2:
    /// "reserved"; F1 measured zeros on AMD, QEMU leaves them unwritten), opened when RFBM[0] = 1.
    public static IEnumerable<ByteRange> OpenBytes(CpuModel cpu, FeatureMask rfbm, XsaveBuffer saved, bool compacted)
    {
        if (rfbm.Contains(XFeature.Fp))
            for (int slot = 0; slot < 8; slot++)
                if (X87SlotReserved(slot).End <= saved.Length) yield return X87SlotReserved(slot);
        if (saved.Length < XsaveImage.MinimumSize) yield break;
        var layout = compacted ? saved.ReadXcompBv().With(XFeatures.CompactedFormatBit) : FeatureMask.None;
        foreach (var (index, place) in Places(cpu, Registers.Keys.Where(rfbm.Contains), layout))
        {
            var open = ByteRange.FromTo(place.Offset + Registers[index].End, place.End);
            if (open.Length > 0 && open.End <= saved.Length) yield return open;
        }
    }

    private static ByteRange X87SlotReserved(int slot) => new(XsaveImage.X87RegistersOffset + 16 * slot + 10, 6);

    /// <summary>
    /// <paramref name="want"/> (an outcome of <paramref name="op"/> on <paramref name="state"/>) with the open bytes of
    /// a save added to its unspecified bytes: how a comparison with a CPU reads the oracle's answer.
    /// </summary>
    public static InstructionOutcome WithOpenBytes(CpuModel cpu, MachineState state, ArchOperation op, InstructionOutcome want)
    {
        if (want.Buffer is not { } saved || op is not XsaveFamilyOp { Instruction: not (XsaveInstruction.Xrstor or XsaveInstruction.Xrstors) } save)
            return want;
        var enabled = save.Instruction == XsaveInstruction.Xsaves ? state.Xcr0 | state.Xss : state.Xcr0;
        var open = OpenBytes(cpu, save.EdxEax & enabled, saved, compacted: save.Instruction is XsaveInstruction.Xsavec or XsaveInstruction.Xsaves).ToList();
        return open.Count == 0 ? want : want with { UnspecifiedBytes = Union(want.UnspecifiedBytes, open, saved.Length) };
    }

    /// <summary>Ascending, non-overlapping runs covering every byte of both (what <see cref="InstructionOutcome.UnspecifiedBytes"/> holds).</summary>
    private static ImmutableArray<ByteRange> Union(IEnumerable<ByteRange> a, IEnumerable<ByteRange> b, int length)
    {
        var open = new bool[length];
        foreach (var r in a.Concat(b))
            for (int k = Math.Max(0, r.Offset); k < Math.Min(length, r.End); k++) open[k] = true;
        var runs = ImmutableArray.CreateBuilder<ByteRange>();
        for (int k = 0; k < length;)
        {
            if (!open[k]) { k++; continue; }
            int start = k;
            while (k < length && open[k]) k++;
            runs.Add(ByteRange.FromTo(start, k));
        }
        return runs.ToImmutable();
    }

    /// <summary>Where each of <paramref name="components"/> lies in an area whose XCOMP_BV is <paramref name="xcompBv"/>
    /// (R14 standard offsets from CPUID; R15 compacted: in index order from 576, 64-byte aligned where CPUID says so).</summary>
    private static IEnumerable<(int Index, ByteRange Place)> Places(CpuModel cpu, IEnumerable<int> components, FeatureMask xcompBv)
    {
        var wanted = components.Where(i => cpu.ComponentSize(i) > 0).ToHashSet();
        if (!xcompBv.Contains(XFeatures.CompactedFormatBit))
        {
            foreach (int i in wanted) yield return (i, new ByteRange(cpu.StandardOffset(i), cpu.ComponentSize(i)));
            yield break;
        }
        int offset = XsaveImage.MinimumSize;
        for (int i = 2; i < 63; i++)
        {
            if (!xcompBv.Contains(i)) continue;
            if (cpu.IsAligned64(i)) offset = (offset + 63) & ~63;
            int size = cpu.ComponentSize(i);
            if (wanted.Contains(i)) yield return (i, new ByteRange(offset, size));
            offset += size;
        }
    }
}
