using System.Buffers.Binary;
using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>Where the bytes of a generated XSAVE area come from, before any corruption.</summary>
public enum BufferBase
{
    /// <summary>All zeros: a valid standard image with XSTATE_BV = 0 (MXCSR 0 is valid).</summary>
    Zeroed,
    /// <summary>All 0xCC, as the buffers of KO §5a/§5b.</summary>
    Filled,
    /// <summary>XSAVE of <see cref="BufferSpec.Source"/> into a zeroed area (standard format).</summary>
    SavedStandard,
    /// <summary>XSAVEC of the source (compacted format, user components).</summary>
    SavedCompacted,
    /// <summary>XSAVES of the source at CPL 0 (compacted format, supervisor components too).</summary>
    SavedSupervisor,
}

public enum CorruptionKind
{
    /// <summary>Set XSTATE_BV bit <see cref="Corruption.Position"/>.</summary>
    XstateBvSet,
    /// <summary>Clear XSTATE_BV bit <see cref="Corruption.Position"/>.</summary>
    XstateBvClear,
    /// <summary>Set XCOMP_BV bit <see cref="Corruption.Position"/> (62:0).</summary>
    XcompBvSet,
    /// <summary>Flip XCOMP_BV[63], the format bit.</summary>
    FlipFormat,
    /// <summary>Header byte <see cref="Corruption.Position"/> (8..63; XCOMP_BV or reserved) := <see cref="Corruption.Value"/>.</summary>
    HeaderByte,
    /// <summary>The MXCSR image (bytes 24..27) := <see cref="Corruption.Value"/>.</summary>
    Mxcsr,
}

/// <summary>One change to an otherwise well-formed image.</summary>
public sealed record Corruption(CorruptionKind Kind, int Position, ulong Value)
{
    public override string ToString() => Kind switch
    {
        CorruptionKind.XstateBvSet => $"XSTATE_BV|=bit{Position}",
        CorruptionKind.XstateBvClear => $"XSTATE_BV&=~bit{Position}",
        CorruptionKind.XcompBvSet => $"XCOMP_BV|=bit{Position}",
        CorruptionKind.FlipFormat => "XCOMP_BV^=bit63",
        CorruptionKind.HeaderByte => $"header[{Position}]=0x{Value:x}",
        _ => $"MXCSR=0x{Value:x}",
    };
}

/// <summary>
/// How a generated XSAVE area was made: a base (zeroed, 0xCC, or the image a save of <see cref="Source"/> with
/// <see cref="SaveMask"/> wrote), corruptions, then the address (misaligned by <see cref="Misalignment"/> bytes) and
/// the length (<see cref="Length"/>, null = long enough for any layout of the CPU). Shrinks toward a valid, zeroed,
/// aligned, full-length area; only the resulting bytes are stored with a counterexample.
/// </summary>
public sealed record BufferSpec(
    BufferBase Base,
    MachineState? Source,
    FeatureMask SaveMask,
    ImmutableArray<Corruption> Corruptions,
    int Misalignment,
    int? Length)
{
    public static BufferSpec ZeroedFull { get; } = new(BufferBase.Zeroed, null, FeatureMask.None, [], 0, null);

    public override string ToString()
    {
        var s = Base switch
        {
            BufferBase.Zeroed => "zeroed",
            BufferBase.Filled => "0xCC",
            BufferBase.SavedStandard => $"XSAVE({SaveMask.ToHex()}) image",
            BufferBase.SavedCompacted => $"XSAVEC({SaveMask.ToHex()}) image",
            _ => $"XSAVES({SaveMask.ToHex()}) image",
        };
        if (Source is not null) s += $" of [{MachineText.Describe(Source)}]";
        if (!Corruptions.IsEmpty) s += " " + string.Join(" ", Corruptions);
        if (Misalignment != 0) s += $" at +{Misalignment}";
        if (Length is { } n) s += $" cut to {n} B";
        return s;
    }
}

/// <summary>
/// XSAVE areas for the instruction laws (R12-R16, R19-R25): images produced by a save of a random state (standard and
/// compacted), zeroed or 0xCC areas, corrupted headers (XSTATE_BV bits outside XCR0, XCOMP_BV bits, bit 63 flips,
/// reserved bytes 8..63), MXCSR images with reserved bits, misaligned addresses and short buffers.
/// </summary>
public static class BufferGen
{
    /// <summary>
    /// Long enough for every layout of <paramref name="cpu"/>: the larger of the furthest standard end (R14) and the
    /// compacted size of everything it enumerates (R15; compacted size is monotonic), rounded to 64.
    /// </summary>
    public static int FullLength(CpuModel cpu)
    {
        int standard = XFeatures.ExtendedRegionStart;
        foreach (int i in cpu.SupportedXcr0.Indices().Where(i => i >= 2))
            standard = Math.Max(standard, cpu.StandardOffset(i) + cpu.ComponentSize(i));
        int compacted = XFeatures.ExtendedRegionStart;
        foreach (int i in cpu.SupportedAll.Indices().Where(i => i is >= 2 and <= 62))
        {
            if (cpu.IsAligned64(i)) compacted = (compacted + 63) & ~63;
            compacted += cpu.ComponentSize(i);
        }
        return (Math.Max(standard, compacted) + 63) & ~63;
    }

    /// <summary>The bases <paramref name="cpu"/> can produce (a save needs its instruction).</summary>
    public static BufferBase[] Bases(CpuModel cpu)
    {
        var bases = new List<BufferBase> { BufferBase.Zeroed, BufferBase.Filled, BufferBase.SavedStandard };
        if (cpu.HasXsavec) bases.Add(BufferBase.SavedCompacted);
        if (cpu.HasXsaves) bases.Add(BufferBase.SavedSupervisor);
        return [.. bases];
    }

    /// <summary>Any area: mostly saved images, a third of them corrupted, a few misaligned or short.</summary>
    public static Gen<BufferSpec> Any(CpuModel cpu) => Spec(cpu, corruptWeight: 1, misalignWeight: 1, shortWeight: 2);

    /// <summary>Areas for header-check laws: corrupted more often than not, aligned, full length.</summary>
    public static Gen<BufferSpec> CorruptHeaders(CpuModel cpu) => Spec(cpu, corruptWeight: 3, misalignWeight: 0, shortWeight: 0);

    /// <summary>Well-formed, aligned, full-length areas: saved images (or zeroed).</summary>
    public static Gen<BufferSpec> Valid(CpuModel cpu, params BufferBase[] bases) =>
        from b in Gen.Elements(bases.Length == 0 ? Bases(cpu) : bases)
        from source in Source(cpu)
        from mask in SaveMask(cpu)
        select new BufferSpec(b, IsSaved(b) ? source : null, IsSaved(b) ? mask : FeatureMask.None, [], 0, null);

    private static Gen<BufferSpec> Spec(CpuModel cpu, int corruptWeight, int misalignWeight, int shortWeight)
    {
        int full = FullLength(cpu);
        var corruptions = Weighted.Of(
            (3, Gen.Constant(ImmutableArray<Corruption>.Empty)),
            (corruptWeight, Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(Corrupt(cpu), n)).Select(a => ImmutableArray.Create(a))));
        var misalignment = Weighted.Of((12, Gen.Constant(0)), (misalignWeight, Gen.Elements(8, 16, 32, 1)));
        var length = Weighted.Of(
            (12, Gen.Constant<int?>(null)),
            (shortWeight, Gen.Elements<int?>(0, XsaveImage.XmmRegistersOffset, XsaveImage.XstateBvOffset, XsaveImage.XcompBvOffset,
                XsaveImage.XcompBvOffset + 7, XsaveImage.ReservedOffset, XsaveImage.MinimumSize - 1, XsaveImage.MinimumSize, full - 64, full - 1)),
            (shortWeight, Gen.Choose(Math.Min(577, full), full).Select(n => (int?)n)));
        return from b in Weighted.Of((2, Gen.Constant(BufferBase.Zeroed)), (1, Gen.Constant(BufferBase.Filled)),
                                       (6, Gen.Elements(Bases(cpu).Where(IsSaved).ToArray())))
               from source in Source(cpu)
               from mask in SaveMask(cpu)
               from c in corruptions
               from mis in misalignment
               from len in length
               select new BufferSpec(b, IsSaved(b) ? source : null, IsSaved(b) ? mask : FeatureMask.None, c, mis, len);
    }

    public static bool IsSaved(BufferBase b) => b is BufferBase.SavedStandard or BufferBase.SavedCompacted or BufferBase.SavedSupervisor;

    /// <summary>The state a saved image comes from: any XCR0/XSS, valid MXCSR most of the time, no XFD.</summary>
    private static Gen<MachineState> Source(CpuModel cpu) =>
        Weighted.Of((4, MachineGen.State(cpu, SourceConstraints with { ValidMxcsr = true })), (1, MachineGen.State(cpu, SourceConstraints)));

    public static MachineConstraints SourceConstraints { get; } = new(Runnable: true, NoXfd: true, Cpl: 0);

    /// <summary>EDX:EAX of the save: everything (most common in software), a subset of what is enumerated, or any value.</summary>
    public static Gen<FeatureMask> SaveMask(CpuModel cpu) =>
        Weighted.Of((3, Gen.Constant(FeatureMask.All)), (3, MaskGen.SubsetOf(cpu.SupportedAll)), (1, MaskGen.Uniform));

    private static Gen<Corruption> Corrupt(CpuModel cpu)
    {
        // Interesting bits: the enumerated ones, one beyond them, and 63.
        var bits = cpu.SupportedAll.Indices().Append(63).Append(Math.Min(62, cpu.SupportedAll.Highest + 1)).Distinct().ToArray();
        var bit = Weighted.Of((4, Gen.Elements(bits)), (1, Gen.Choose(0, 63)));
        return Weighted.Of(
            (3, bit.Select(b => new Corruption(CorruptionKind.XstateBvSet, b, 0))),
            (2, bit.Select(b => new Corruption(CorruptionKind.XstateBvClear, b, 0))),
            (2, bit.Select(b => new Corruption(CorruptionKind.XcompBvSet, Math.Min(b, 62), 0))),
            (3, Gen.Constant(new Corruption(CorruptionKind.FlipFormat, 63, 0))),
            (2, from k in Weighted.Of((1, Gen.Choose(8, 23)), (1, Gen.Choose(24, 63)), (1, Gen.Elements(16, 23, 24, 63)))
                from v in Gen.Choose(1, 255)
                select new Corruption(CorruptionKind.HeaderByte, k, (ulong)v)),
            (1, MachineGen.Mxcsr(cpu, validOnly: false).Select(m => new Corruption(CorruptionKind.Mxcsr, 24, m))),
            // A reserved bit on purpose: the #GP of R23/R25 is what emulators miss (QEMU TCG, issue 13).
            (2, MachineGen.ReservedMxcsr(cpu).Select(m => new Corruption(CorruptionKind.Mxcsr, 24, m))));
    }

    /// <summary>
    /// The bytes of <paramref name="spec"/>. Saved images are written by the reference implementation (the oracle) with
    /// the source state made runnable at CPL 0; a base the reference cannot produce falls back to zeroed.
    /// </summary>
    public static XsaveBuffer Materialize(PropertyContext ctx, CpuModel cpu, BufferSpec spec)
    {
        int full = FullLength(cpu);
        var bytes = new byte[full];
        if (spec.Base == BufferBase.Filled) Array.Fill(bytes, (byte)0xCC);
        else if (IsSaved(spec.Base) && spec.Source is { } source)
        {
            var instruction = spec.Base switch
            {
                BufferBase.SavedStandard => XsaveInstruction.Xsave,
                BufferBase.SavedCompacted => XsaveInstruction.Xsavec,
                _ => XsaveInstruction.Xsaves,
            };
            var runnable = source with { Cr4Osxsave = true, Cr0Ts = false, Cpl = 0 };
            try
            {
                var outcome = ctx.Reference.Architecture(cpu).Execute(runnable, new XsaveFamilyOp(instruction, spec.SaveMask, XsaveBuffer.Zeroed(full)));
                if (outcome.Succeeded && outcome.Buffer is { } saved) saved.Bytes.CopyTo(bytes);
            }
            catch (NotSupportedException)
            {
                // A reference without the instruction part: the area stays zeroed.
            }
        }

        // A real CPU holds only the x87 register fields: what it loads from the image is given in that form (X87Fields).
        if (ctx.FixedMachine is { X87RegisterFieldsOnly: true }) X87Fields.Canonicalize(bytes);
        foreach (var c in spec.Corruptions) Apply(bytes, c);
        // Likewise PKRU and BNDCSR hold only their registers, and BNDPRESERVE goes with BNDCFGU.EN (F5, F8), where an
        // XRSTOR of the final header would read them.
        if (ctx.FixedMachine is not null) RegisterFields.CanonicalizeArea(cpu, bytes);

        int length = Math.Clamp(spec.Length ?? full, 0, full);
        // A real CPU's aligned operand ends at a page boundary only when its length is a multiple of 64 (FixedMachine).
        if (ctx.FixedMachine is { MemoryGranularity: > 1 } machine && spec.Misalignment == 0) length -= length % machine.MemoryGranularity;
        return XsaveBuffer.From(bytes.AsSpan(0, length), XsaveBuffer.DefaultAddress + (ulong)spec.Misalignment);
    }

    private static void Apply(byte[] bytes, Corruption c)
    {
        var header = bytes.AsSpan(XFeatures.HeaderOffset);
        ulong bv = BinaryPrimitives.ReadUInt64LittleEndian(header);
        ulong comp = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        switch (c.Kind)
        {
            case CorruptionKind.XstateBvSet: BinaryPrimitives.WriteUInt64LittleEndian(header, bv | (1UL << c.Position)); break;
            case CorruptionKind.XstateBvClear: BinaryPrimitives.WriteUInt64LittleEndian(header, bv & ~(1UL << c.Position)); break;
            case CorruptionKind.XcompBvSet: BinaryPrimitives.WriteUInt64LittleEndian(header[8..], comp | (1UL << c.Position)); break;
            case CorruptionKind.FlipFormat: BinaryPrimitives.WriteUInt64LittleEndian(header[8..], comp ^ (1UL << 63)); break;
            case CorruptionKind.HeaderByte: header[c.Position] = (byte)c.Value; break;
            case CorruptionKind.Mxcsr: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)c.Value); break;
        }
    }

    /// <summary>Toward valid, zeroed, aligned and full length: big steps first, then one thing at a time.</summary>
    public static IEnumerable<BufferSpec> Shrink(CpuModel cpu, BufferSpec spec)
    {
        if (spec.Corruptions.Length > 1) yield return spec with { Corruptions = [] };
        if (spec.Misalignment != 0) yield return spec with { Misalignment = 0 };
        if (spec.Length is not null) yield return spec with { Length = null };
        if (spec.Base != BufferBase.Zeroed) yield return spec with { Base = BufferBase.Zeroed, Source = null, SaveMask = FeatureMask.None };
        for (int k = spec.Corruptions.Length - 1; k >= 0; k--) yield return spec with { Corruptions = spec.Corruptions.RemoveAt(k) };
        if (spec.Source is { } source)
        {
            if (spec.SaveMask == FeatureMask.All) yield return spec with { SaveMask = cpu.SupportedAll };
            else foreach (var m in MaskGen.Shrink(spec.SaveMask)) yield return spec with { SaveMask = m };
            foreach (var s in MachineGen.Shrink(cpu, source, SourceConstraints)) yield return spec with { Source = s };
        }
    }
}
