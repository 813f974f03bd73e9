using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// Operations for the instruction laws (R17-R29): XSAVE-family instructions on generated areas, XSETBV, XGETBV, WRMSR,
/// INIT and RESET, each with a machine state of the same CPU; and the arbitraries that shrink them.
/// </summary>
public static class InstructionGen
{
    /// <summary>
    /// CPUs satisfying <paramref name="wanted"/>: the matching corpus profiles and synthetic CPUs forced to match by
    /// <paramref name="force"/>. A fixed CPU is used as it is (laws pass trivially when it lacks what they need). The
    /// same choice as a seeded draw is <see cref="InputGen.CpusWith"/> (the architecture laws').
    /// </summary>
    public static Gen<CpuCase> CpusWith(PropertyContext ctx, Func<CpuModel, bool> wanted, Func<SyntheticCpu, SyntheticCpu> force)
    {
        if (ctx.FixedCpu is { } fixedCpu) return Gen.Constant(new CpuCase(fixedCpu, null));
        var synthetic = CpuGen.Synthetic.Select(force).Select(s => new CpuCase(s.ToCpuModel(), s)).Where(c => wanted(c.Cpu));
        var real = CorpusFilter.Matching(ctx.CorpusCpus, wanted);
        return real.Length == 0
            ? synthetic
            : Weighted.Of((1, Gen.Elements(real).Select(c => new CpuCase(c, null))), (1, synthetic));
    }

    public static bool HasXfdComponent(CpuModel cpu) => cpu.HasXfd && cpu.SupportedXcr0.Indices().Any(cpu.IsXfdCapable);

    /// <summary>Instruction masks: all ones (what software mostly uses), an enumerated subset, a legal XCR0, anything.</summary>
    public static Gen<FeatureMask> EdxEax(CpuModel cpu) => Weighted.Of(
        (3, Gen.Constant(FeatureMask.All)),
        (3, MaskGen.SubsetOf(cpu.SupportedAll)),
        (1, MaskGen.LegalXcr0(cpu.SupportedXcr0)),
        (1, MaskGen.Uniform));

    /// <summary>An XSAVE-family case with its memory operand made from <paramref name="spec"/>.</summary>
    public static InstructionCase Family(PropertyContext ctx, CpuCase cpu, MachineState state, XsaveInstruction instruction,
        FeatureMask edxEax, BufferSpec spec) =>
        new(cpu, state, new XsaveFamilyOp(instruction, edxEax, BufferGen.Materialize(ctx, cpu.Cpu, spec))) { Buffer = spec };

    /// <summary>Any operation on any state: the input of the differential law.</summary>
    public static Gen<InstructionCase> AnyOperation(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        from state in MachineGen.State(cpu.Cpu, MachineConstraints.Any.On(ctx.FixedMachine))
        from kind in Weighted.Of((12, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2)), (2, Gen.Constant(3)),
                                   (ctx.FixedMachine is { InitReset: false } ? 0 : 1, Gen.Constant(4)),
                                   (ctx.FixedMachine is { InitReset: false } ? 0 : 1, Gen.Constant(5)))
        from c in kind switch
        {
            0 => from instruction in Gen.Elements(Enum.GetValues<XsaveInstruction>())
                 from mask in EdxEax(cpu.Cpu)
                 from spec in BufferGen.Any(cpu.Cpu)
                 from sameRegisters in Gen.Elements(true, false)
                 select Family(ctx, cpu, state, instruction, mask, sameRegisters ? SavedUnder(spec, state) : spec),
            1 => Xsetbv(cpu.Cpu).Select(op => new InstructionCase(cpu, state, op)),
            2 => Xgetbv().Select(op => new InstructionCase(cpu, state, op)),
            3 => Wrmsr(cpu.Cpu).Select(op => new InstructionCase(cpu, state, op)),
            4 => Gen.Constant(new InstructionCase(cpu, state, new InitOp())),
            _ => Gen.Constant(new InstructionCase(cpu, state, new ResetOp())),
        }
        select c;

    /// <summary>The image saved with the restoring state's XCR0 and IA32_XSS, so that restores get past the header checks.</summary>
    public static BufferSpec SavedUnder(BufferSpec spec, MachineState state) =>
        spec.Source is { } source ? spec with { Source = source with { Xcr0 = state.Xcr0, Xss = state.Xss } } : spec;

    public static Gen<ArchOperation> Xsetbv(CpuModel cpu) =>
        from ecx in Weighted.Of((8, Gen.Constant(0u)), (1, Gen.Constant(1u)), (1, Gen.Choose(0, int.MaxValue).Select(n => (uint)n)))
        from value in MaskGen.NearXcr0Lattice(cpu.SupportedXcr0)
        select (ArchOperation)new XsetbvOp(ecx, value);

    public static Gen<ArchOperation> Xgetbv() =>
        Weighted.Of((3, Gen.Constant(0u)), (3, Gen.Constant(1u)), (1, Gen.Constant(2u)), (1, Gen.Choose(0, int.MaxValue).Select(n => (uint)n)))
            .Select(ecx => (ArchOperation)new XgetbvOp(ecx));

    public static Gen<ArchOperation> Wrmsr(CpuModel cpu)
    {
        var xfdCapable = new FeatureMask(cpu.SupportedXcr0.Indices().Where(cpu.IsXfdCapable).Aggregate(0UL, (m, i) => m | (1UL << i)));
        var msr = Weighted.Of((3, Gen.Constant(ArchMsr.Xss)), (3, Gen.Constant(ArchMsr.Xfd)), (2, Gen.Constant(ArchMsr.XfdErr)),
            (1, Gen.Constant((ArchMsr)0x10)));
        var value = Weighted.Of(
            (3, MaskGen.SubsetOf(cpu.SupportedXss)),
            (3, MaskGen.SubsetOf(xfdCapable)),
            (2, MaskGen.OneFlipFrom(MaskGen.SubsetOf(cpu.SupportedAll))),
            (1, MaskGen.Uniform));
        return from m in msr from v in value select (ArchOperation)new WrmsrOp(m, v);
    }

    /// <summary>
    /// An arbitrary over <paramref name="gen"/> that shrinks the memory operand (toward a valid, zeroed, aligned area),
    /// the instruction mask and the state (within <paramref name="constraints"/>). Candidates that break the law's
    /// premise (<paramref name="keep"/> false) are dropped, so a shrunk counterexample still means what the law says.
    /// </summary>
    public static Arbitrary<InstructionCase> Arbitrary(PropertyContext ctx, Gen<InstructionCase> gen, MachineConstraints constraints,
        Func<InstructionCase, bool>? keep = null) =>
        Arb.From(gen, c => Shrink(ctx, c, constraints.On(ctx.FixedMachine)).Where(x => keep?.Invoke(x) ?? true));

    public static IEnumerable<InstructionCase> Shrink(PropertyContext ctx, InstructionCase c, MachineConstraints constraints)
    {
        var cpu = c.Cpu.Cpu;
        switch (c.Operation)
        {
            case XsaveFamilyOp op:
                if (c.Buffer is { } spec)
                    foreach (var smaller in BufferGen.Shrink(cpu, spec))
                        yield return Family(ctx, c.Cpu, c.State, op.Instruction, op.EdxEax, smaller);
                foreach (var mask in ShrinkMask(cpu, op.EdxEax))
                    yield return c with { Operation = op with { EdxEax = mask } };
                break;
            case XsetbvOp op:
                if (op.Ecx != 0) yield return c with { Operation = op with { Ecx = 0 } };
                foreach (var v in MaskGen.Shrink(op.Value)) yield return c with { Operation = op with { Value = v } };
                break;
            case XgetbvOp { Ecx: > 1 } op:
                yield return c with { Operation = op with { Ecx = 1 } };
                yield return c with { Operation = op with { Ecx = 0 } };
                break;
            case WrmsrOp op:
                foreach (var v in MaskGen.Shrink(op.Value)) yield return c with { Operation = op with { Value = v } };
                break;
        }
        foreach (var s in MachineGen.Shrink(cpu, c.State, constraints)) yield return c with { State = s };
    }

    /// <summary>All ones first becomes the enumerated set, then loses bits (the shrinks of <see cref="MaskGen"/>).</summary>
    public static IEnumerable<FeatureMask> ShrinkMask(CpuModel cpu, FeatureMask mask) =>
        mask == FeatureMask.All ? [cpu.SupportedAll] : MaskGen.Shrink(mask);

    /// <summary>Round trips: a source and a target with the same XCR0/IA32_XSS, no XFD, valid MXCSR.</summary>
    public static Arbitrary<RoundTripCase> RoundTrips(PropertyContext ctx, bool supervisor)
    {
        var cpus = supervisor
            ? CpusWith(ctx, c => c.HasXsaves, s => s with { Xsavec = true, Xsaves = true })
            : CpusWith(ctx, c => c.HasXsavec, s => s with { Xsavec = true });
        var sourceConstraints = new MachineConstraints(Runnable: true, ValidMxcsr: true, NoXfd: true, Cpl: supervisor ? 0 : null).On(ctx.FixedMachine);
        var gen = from cpu in cpus
                  from source in MachineGen.State(cpu.Cpu, sourceConstraints)
                  from target in MachineGen.State(cpu.Cpu, sourceConstraints with { Xcr0 = source.Xcr0, Xss = source.Xss })
                  from mask in EdxEax(cpu.Cpu)
                  select new RoundTripCase(cpu, source, target, mask);
        return Arb.From(gen, c => ShrinkRoundTrip(c, sourceConstraints));
    }

    private static IEnumerable<RoundTripCase> ShrinkRoundTrip(RoundTripCase c, MachineConstraints constraints)
    {
        var cpu = c.Cpu.Cpu;
        foreach (var m in ShrinkMask(cpu, c.Mask)) yield return c with { Mask = m };
        // XCR0 and IA32_XSS shrink on both states together: the restore needs the saver's format enabled.
        if (constraints.Xcr0 is null)
            foreach (var x in MachineGen.SmallerXcr0(c.Source.Xcr0))
                yield return c with { Source = c.Source with { Xcr0 = x }, Target = c.Target with { Xcr0 = x } };
        if (!c.Source.Xss.IsEmpty)
            yield return c with { Source = c.Source with { Xss = FeatureMask.None }, Target = c.Target with { Xss = FeatureMask.None } };
        var fixedRegisters = constraints with { Xcr0 = c.Source.Xcr0, Xss = c.Source.Xss };
        foreach (var s in MachineGen.Shrink(cpu, c.Source, fixedRegisters)) yield return c with { Source = s };
        foreach (var t in MachineGen.Shrink(cpu, c.Target, fixedRegisters)) yield return c with { Target = t };
    }
}
