using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>The XSAVE family, XSETBV/XGETBV/WRMSR and INIT/RESET on explicit machine states (R17-R29; I3, I4, I5, I15).</summary>
public static class InstructionLaws
{
    private const ulong FormatBit = 1UL << 63;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Case("instructions.xsave-family.differential", LawKind.Differential,
            ["R17", "R18", "R19", "R20", "R21", "R22", "R23", "R24", "R25", "R26", "R27", "R28", "R29", "R8", "R10", "R11"],
            "Any operation on any state: fault kind, state, memory and returned value equal the oracle's (InstructionOutcome.Differences " +
            "empty), and the implementation leaves unspecified no byte or component the oracle defines.",
            ctx => InstructionGen.Arbitrary(ctx, InstructionGen.AnyOperation(ctx), MachineConstraints.Any),
            (ctx, x) =>
            {
                var (mine, want) = (Run(ctx.Subject, x), RegisterFieldLatitude.Want(ctx, x));
                return SameOutcome(mine, want).In(InstructionBranches.OfAny(x, want));
            },
            (ctx, x) => new Evidence(Differential.Answer(() => Summary.Of(Run(ctx.Subject, x))), Differential.Answer(() => Summary.Of(Run(ctx.Reference, x)))))
            .Declares(InstructionBranches.AnyOperation);

        yield return Case("instructions.xrstor.fault-predicate.differential", LawKind.Differential, ["R23", "R24", "R25", "R27", "I3"],
            "XRSTOR and XRSTORS on random headers (XSTATE_BV outside XCR0, XCOMP_BV bits, bit 63 flips, reserved bytes, MXCSR, CPL): " +
            "the fault raised, if any, is of the oracle's kind.",
            ctx => InstructionGen.Arbitrary(ctx, RestoreOnCorruptHeaders(ctx), new MachineConstraints(Runnable: true)),
            (ctx, x) =>
            {
                var (mine, want) = (Run(ctx.Subject, x), Run(ctx.Reference, x));
                return Check.That(mine.Fault?.Kind == want.Fault?.Kind,
                    $"fault: implementation {mine.Fault?.ToString() ?? "none"} != oracle {want.Fault?.ToString() ?? "none"}")
                    .In(want.Fault is null ? InstructionBranches.Restored : InstructionBranches.Faulted);
            },
            (ctx, x) => new Evidence(Differential.Answer(() => Run(ctx.Subject, x).Fault), Differential.Answer(() => Run(ctx.Reference, x).Fault)))
            .Declares(new LawCoverage([InstructionBranches.Restored, InstructionBranches.Faulted], MaxVacuousShare: 0));

        yield return Case("instructions.xsave.header-update", LawKind.Invariant, ["R19", "R20", "I4"],
            "XSAVE and XSAVEOPT keep every XSTATE_BV bit outside RFBM as it was in memory and never write XCOMP_BV or header bytes 16..63.",
            ctx => InstructionGen.Arbitrary(ctx, StandardSaves(ctx), new MachineConstraints(Runnable: true)),
            (ctx, x) =>
            {
                var op = (XsaveFamilyOp)x.Operation;
                var outcome = Run(ctx.Subject, x);
                if (outcome.Buffer is not { } after || !outcome.Succeeded)
                    return Check.That(false, $"{op.Instruction} faulted on a runnable state and an aligned full-length area: {outcome.Fault}");
                ulong rfbm = x.State.Xcr0.Bits & op.EdxEax.Bits;
                ulong oldBv = op.Memory.ReadXstateBv().Bits, newBv = after.ReadXstateBv().Bits;
                var property = Check.That((newBv & ~rfbm) == (oldBv & ~rfbm),
                        $"XSTATE_BV bits outside RFBM {rfbm:x} changed: 0x{oldBv:x} -> 0x{newBv:x}")
                    .And(Check.That(after.Span(XsaveImage.XcompBvOffset, 56).SequenceEqual(op.Memory.Span(XsaveImage.XcompBvOffset, 56)), "XCOMP_BV or header bytes 16..63 were written"))
                    .In(op.Instruction.ToString().ToUpperInvariant());
                return (oldBv & ~rfbm) != 0 ? property.In(InstructionBranches.BitsOutsideRfbm) : property;
            }).Declares(new LawCoverage(["XSAVE", "XSAVEOPT", InstructionBranches.BitsOutsideRfbm], MaxVacuousShare: 0));

        yield return Case("instructions.xsavec.header", LawKind.Invariant, ["R21", "R22", "I4"],
            "XSAVEC and XSAVES write XSTATE_BV ⊆ RFBM and XCOMP_BV = RFBM | bit 63, and never write header bytes 16..63.",
            ctx => InstructionGen.Arbitrary(ctx, CompactedSaves(ctx), new MachineConstraints(Runnable: true)),
            (ctx, x) =>
            {
                var op = (XsaveFamilyOp)x.Operation;
                if (!Supports(x.Cpu.Cpu, op.Instruction)) return Check.Vacuous("the CPU lacks the instruction");
                var outcome = Run(ctx.Subject, x);
                if (outcome.Buffer is not { } after || !outcome.Succeeded)
                    return Check.That(false, $"{op.Instruction} faulted on a runnable state and an aligned full-length area: {outcome.Fault}");
                ulong enabled = x.State.Xcr0.Bits | (op.Instruction == XsaveInstruction.Xsaves ? x.State.Xss.Bits : 0);
                ulong rfbm = enabled & op.EdxEax.Bits;
                ulong bv = after.ReadXstateBv().Bits, comp = after.ReadXcompBv().Bits;
                return Check.That((bv & ~rfbm) == 0, $"XSTATE_BV 0x{bv:x} has bits outside RFBM 0x{rfbm:x}")
                    .And(Check.That(comp == (rfbm | FormatBit), $"XCOMP_BV 0x{comp:x} != RFBM|bit63 0x{rfbm | FormatBit:x}"))
                    .And(Check.That(after.Span(XsaveImage.ReservedOffset, XsaveImage.ReservedSize).SequenceEqual(op.Memory.Span(XsaveImage.ReservedOffset, XsaveImage.ReservedSize)), "header bytes 16..63 were written"))
                    .In(op.Instruction.ToString().ToUpperInvariant());
            }).Declares(new LawCoverage(["XSAVEC", "XSAVES"], MaxVacuousShare: 0)); // CpusWith forces XSAVEC: never vacuous

        yield return RoundTrip("instructions.roundtrip.xsavec-xrstor", ["R21", "R24", "R26", "I4"], supervisor: false,
            "XSAVEC into a zeroed area, then compacted XRSTOR with the same mask onto another state with the same XCR0: neither faults, " +
            "RFBM components (and MXCSR with SSE) come back as saved, the others stay as the target had them.");

        yield return RoundTrip("instructions.roundtrip.xsaves-xrstors", ["R22", "R25", "R26", "I4"], supervisor: true,
            "XSAVES into a zeroed area at CPL 0, then XRSTORS with the same mask onto another state with the same XCR0 and IA32_XSS: " +
            "neither faults, RFBM components come back as saved, the others stay as they were.");

        yield return Case("instructions.xrstor.init-semantics", LawKind.Invariant, ["R23", "R24", "R25", "R26", "I5"],
            "A restore from a valid image: RFBM[i] ∧ ¬XSTATE_BV[i] → component i in its init configuration; ¬RFBM[i] → component i " +
            "and its XINUSE bit unchanged; MXCSR loaded (standard form, RFBM[1]|RFBM[2]) or per SSE (compacted form).",
            ctx => InstructionGen.Arbitrary(ctx, RestoresOfValidImages(ctx), new MachineConstraints(Runnable: true, NoXfd: true, ValidMxcsr: true),
                keep: SourceMatchesTarget),
            (ctx, x) => InitSemantics(ctx, x))
            .Declares(new LawCoverage([InstructionBranches.Initialised, InstructionBranches.OutsideRfbmKept, InstructionBranches.CompactedImage,
                InstructionBranches.StandardImage], MaxVacuousShare: 0));

        yield return Case("instructions.xfd.nm", LawKind.Invariant, ["R27", "I15"],
            "XRSTOR/XRSTORS of a valid image with XSTATE_BV[i] = XFD[i] = RFBM[i] = 1 raises #NM and records i in IA32_XFD_ERR.",
            ctx => InstructionGen.Arbitrary(ctx, RestoresIntoXfd(ctx), new MachineConstraints(Runnable: true, ValidMxcsr: true),
                keep: c => SourceMatchesTarget(c) && !DisabledToLoad(c).IsEmpty),
            (ctx, x) =>
            {
                var disabled = DisabledToLoad(x);
                if (disabled.IsEmpty) return Check.Vacuous("nothing XFD-disabled to load");
                var outcome = Run(ctx.Subject, x);
                return Check.That(outcome.Fault?.Kind == FaultKind.NM, $"expected #NM for {disabled}, got {outcome.Fault?.ToString() ?? "no fault"}")
                    .And(Check.That(disabled.IsSubsetOf(outcome.State.XfdErr), $"IA32_XFD_ERR {outcome.State.XfdErr} lacks {disabled}"))
                    .In(((XsaveFamilyOp)x.Operation).Instruction == XsaveInstruction.Xrstors ? "XRSTORS of disabled state" : "XRSTOR of disabled state");
            }, machine: m => m.LacksXfd)
            // The generator saves every XFD-capable component and requests the disabled ones: vacuous only where a fixed
            // CPU lacks them (not judged there).
            .Declares(new LawCoverage(["XRSTOR of disabled state", "XRSTORS of disabled state"], MaxVacuousShare: 0.05));

        yield return Case("instructions.init.clears-mpx-cet", LawKind.Invariant, ["R29", "I19"],
            "INIT puts exactly the MPX (3, 4) and CET (11, 12) components in their init configuration and keeps every other component, " +
            "MXCSR, XCR0 and IA32_XSS.",
            ctx => InstructionGen.Arbitrary(ctx, EventOn(ctx, new InitOp()), MachineConstraints.Any),
            (ctx, x) =>
            {
                var outcome = Run(ctx.Subject, x);
                if (!outcome.Succeeded) return Check.That(false, $"INIT faulted: {outcome.Fault}");
                var after = outcome.State;
                var property = Check.That(after.Xcr0 == x.State.Xcr0 && after.Xss == x.State.Xss, $"XCR0/XSS changed: {after.Xcr0}/{after.Xss}")
                    .And(Check.That(after.Mxcsr == x.State.Mxcsr, $"MXCSR changed: 0x{x.State.Mxcsr:x} -> 0x{after.Mxcsr:x}"));
                foreach (int i in x.State.Components.Keys)
                {
                    bool cleared = (ArchMasks.Mpx | ArchMasks.Cet).Contains(i);
                    var expected = cleared ? MachineState.InitImage(i, x.State.Component(i).Length) : x.State.Component(i).ToArray();
                    property = property.And(Check.That(after.Component(i).AsSpan().SequenceEqual(expected),
                        $"component {i} ({ComponentCatalogue.ShortName(i)}) {(cleared ? "not cleared" : "changed")} by INIT"));
                }
                var present = x.State.Components.Keys.Aggregate(FeatureMask.None, (m, i) => m.With(i));
                if (present.Overlaps(ArchMasks.Mpx)) property = property.In(InstructionBranches.MpxAtInit);
                return present.Overlaps(ArchMasks.Cet) ? property.In(InstructionBranches.CetAtInit) : property;
            }, machine: m => m.LacksInitReset)
            .Declares(new LawCoverage([InstructionBranches.MpxAtInit, InstructionBranches.CetAtInit], MaxVacuousShare: 0));

        yield return Case("instructions.reset.state", LawKind.Invariant, ["R28", "I19"],
            "RESET leaves XCR0 = 1, IA32_XSS = 0, every component in its init configuration and MXCSR = 1F80H.",
            ctx => InstructionGen.Arbitrary(ctx, EventOn(ctx, new ResetOp()), MachineConstraints.Any),
            (ctx, x) =>
            {
                var outcome = Run(ctx.Subject, x);
                if (!outcome.Succeeded) return Check.That(false, $"RESET faulted: {outcome.Fault}");
                var after = outcome.State;
                var notInit = after.Components.Where(kv => !kv.Value.AsSpan().SequenceEqual(MachineState.InitImage(kv.Key, kv.Value.Length)))
                    .Select(kv => kv.Key).ToList();
                return Check.That(after.Xcr0 == FeatureMask.Of(XFeature.Fp), $"XCR0 = {after.Xcr0} after RESET")
                    .And(Check.That(after.Xss.IsEmpty, $"IA32_XSS = {after.Xss} after RESET"))
                    .And(Check.That(notInit.Count == 0, $"components not in init configuration after RESET: {string.Join(",", notInit)}"))
                    .And(Check.That(after.Mxcsr == MachineState.InitMxcsr, $"MXCSR = 0x{after.Mxcsr:x} after RESET"))
                    .In(x.State.Xcr0 == FeatureMask.Of(XFeature.Fp) ? "XCR0 = x87 before RESET" : InstructionBranches.Xcr0BeforeReset);
            }, machine: m => m.LacksInitReset)
            .Declares(new LawCoverage([InstructionBranches.Xcr0BeforeReset], MaxVacuousShare: 0));
    }

    // ---- law builders --------------------------------------------------------------------------------------------

    internal static ConformanceProperty Case(string name, LawKind kind, string[] rules, string description,
        Func<PropertyContext, Arbitrary<InstructionCase>> inputs, Func<PropertyContext, InstructionCase, CaseResult> holds,
        Func<PropertyContext, InstructionCase, Evidence>? observe = null, Func<FixedMachine, string?>? machine = null) =>
        new Law<InstructionCase>(name, kind, rules, ContractPart.Instructions, description, inputs, InstructionCodecs.Case, holds,
            observe ?? ((ctx, x) => new Evidence(Differential.Answer(() => Summary.Of(Run(ctx.Subject, x))), null))) { MachineNeeds = machine };

    private static ConformanceProperty RoundTrip(string name, string[] rules, bool supervisor, string description) =>
        new Law<RoundTripCase>(name, LawKind.Metamorphic, rules, ContractPart.Instructions, description,
            ctx => InstructionGen.RoundTrips(ctx, supervisor), InstructionCodecs.RoundTrip,
            (ctx, x) => RoundTripHolds(ctx, x, supervisor)) { MachineNeeds = supervisor ? m => m.LacksCpl0 : null }
        // CpusWith forces the instruction on generated CPUs: never vacuous there.
        .Declares(new LawCoverage(supervisor ? [InstructionBranches.WholeState, InstructionBranches.PartialRfbm, InstructionBranches.SupervisorInRfbm]
            : [InstructionBranches.WholeState, InstructionBranches.PartialRfbm], MaxVacuousShare: 0));

    internal static InstructionOutcome Run(IXstateImplementation impl, InstructionCase x) =>
        impl.Architecture(x.Cpu.Cpu).Execute(x.State, x.Operation);

    // ---- generators of the individual laws --------------------------------------------------------------------------

    private static Gen<InstructionCase> RestoreOnCorruptHeaders(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        from state in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true).On(ctx.FixedMachine))
        from instruction in cpu.Cpu.HasXsaves
            ? Weighted.Of((3, Gen.Constant(XsaveInstruction.Xrstor)), (1, Gen.Constant(XsaveInstruction.Xrstors)))
            : Gen.Constant(XsaveInstruction.Xrstor)
        from mask in InstructionGen.EdxEax(cpu.Cpu)
        from spec in BufferGen.CorruptHeaders(cpu.Cpu)
        // Half the images are saved under the restoring state's XCR0/XSS, so that one corruption is the only fault
        // (a compacted image with bit 63 cleared, a reserved MXCSR bit) and not a mismatch of the two states.
        from sameRegisters in Gen.Elements(true, false)
        select InstructionGen.Family(ctx, cpu, state, instruction, mask, sameRegisters ? InstructionGen.SavedUnder(spec, state) : spec);

    private static Gen<InstructionCase> StandardSaves(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        from state in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true).On(ctx.FixedMachine))
        from instruction in cpu.Cpu.HasXsaveopt ? Gen.Elements(XsaveInstruction.Xsave, XsaveInstruction.Xsaveopt) : Gen.Constant(XsaveInstruction.Xsave)
        from mask in InstructionGen.EdxEax(cpu.Cpu)
        from spec in BufferGen.CorruptHeaders(cpu.Cpu)
        select InstructionGen.Family(ctx, cpu, state, instruction, mask, spec);

    private static Gen<InstructionCase> CompactedSaves(PropertyContext ctx) =>
        from cpu in InstructionGen.CpusWith(ctx, c => c.HasXsavec, s => s with { Xsavec = true })
        from supervisor in cpu.Cpu.HasXsaves && CanRunAtCpl0(ctx) ? Gen.Elements(false, true) : Gen.Constant(false)
        from state in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true, Cpl: supervisor ? 0 : null).On(ctx.FixedMachine))
        from mask in InstructionGen.EdxEax(cpu.Cpu)
        from spec in BufferGen.CorruptHeaders(cpu.Cpu)
        select InstructionGen.Family(ctx, cpu, state, supervisor ? XsaveInstruction.Xsaves : XsaveInstruction.Xsavec, mask, spec);

    /// <summary>
    /// A target state and an image saved from a state with the same XCR0 and IA32_XSS, with some XSTATE_BV bits cleared
    /// (still valid). XRSTOR for standard and XSAVEC images, XRSTORS (at CPL 0) for XSAVES images.
    /// </summary>
    private static Gen<InstructionCase> RestoresOfValidImages(PropertyContext ctx) =>
        from cpu in InputGen.Cpus(ctx)
        from b in Gen.Elements(BufferGen.Bases(cpu.Cpu).Where(b => b != BufferBase.Filled && (b != BufferBase.SavedSupervisor || CanRunAtCpl0(ctx))).ToArray())
        from target in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true, NoXfd: true, ValidMxcsr: true,
            Cpl: b == BufferBase.SavedSupervisor ? 0 : null).On(ctx.FixedMachine))
        from source in MachineGen.State(cpu.Cpu, BufferGen.SourceConstraints with { ValidMxcsr = true, Xcr0 = target.Xcr0, Xss = target.Xss })
        from saveMask in BufferGen.SaveMask(cpu.Cpu)
        from cleared in MaskGen.SubsetOf(cpu.Cpu.SupportedAll)
        from mask in InstructionGen.EdxEax(cpu.Cpu)
        let spec = new BufferSpec(b, BufferGen.IsSaved(b) ? source : null, saveMask,
            [.. cleared.Indices().Select(i => new Corruption(CorruptionKind.XstateBvClear, i, 0))], 0, null)
        select InstructionGen.Family(ctx, cpu, target, b == BufferBase.SavedSupervisor ? XsaveInstruction.Xrstors : XsaveInstruction.Xrstor, mask, spec);

    /// <summary>
    /// A state with some XFD-capable components enabled and disabled in IA32_XFD, and an image saved (with XFD clear)
    /// from a state that has those components in use, restored with a mask that requests at least one of them.
    /// </summary>
    private static Gen<InstructionCase> RestoresIntoXfd(PropertyContext ctx) =>
        from cpu in InstructionGen.CpusWith(ctx, InstructionGen.HasXfdComponent, s => s with { User = s.User | ArchMasks.Xtile, Xfd = true, Xsaves = true, Xsavec = true })
        let capable = new FeatureMask(cpu.Cpu.SupportedXcr0.Indices().Where(cpu.Cpu.IsXfdCapable).Aggregate(0UL, (m, i) => m | (1UL << i)))
        from legal in MaskGen.LegalXcr0(cpu.Cpu.SupportedXcr0)
        let xcr0 = WithXfdComponents(legal, capable, cpu.Cpu.SupportedXcr0)
        from xfd in MaskGen.SubsetOf(capable).Where(m => !m.IsEmpty)
        from b in Gen.Elements(BufferGen.Bases(cpu.Cpu).Where(BufferGen.IsSaved).ToArray())
        from target in MachineGen.State(cpu.Cpu, new MachineConstraints(Runnable: true, ValidMxcsr: true, Xcr0: xcr0,
            Cpl: b == BufferBase.SavedSupervisor ? 0 : null))
        from source in MachineGen.State(cpu.Cpu, BufferGen.SourceConstraints with { ValidMxcsr = true, Xcr0 = xcr0, Xss = target.Xss })
        from mask in InstructionGen.EdxEax(cpu.Cpu)
        let spec = new BufferSpec(b, source with { XinUse = source.XinUse | capable }, FeatureMask.All, [], 0, null)
        select InstructionGen.Family(ctx, cpu, target with { Xfd = xfd }, b == BufferBase.SavedSupervisor ? XsaveInstruction.Xrstors : XsaveInstruction.Xrstor,
            mask | xfd, spec);

    private static FeatureMask WithXfdComponents(FeatureMask legal, FeatureMask capable, FeatureMask supported)
    {
        var x = legal | capable;
        if (x.Overlaps(ArchMasks.Xtile)) x |= ArchMasks.Xtile & supported;
        return MachineGen.IsLegalXcr0(x) ? x : legal;
    }

    private static Gen<InstructionCase> EventOn(PropertyContext ctx, ArchOperation op) =>
        from cpu in InstructionGen.CpusWith(ctx, _ => true, s => s)
        from state in MachineGen.State(cpu.Cpu, MachineConstraints.Any)
        select new InstructionCase(cpu, state, op);

    // ---- premises and checks ----------------------------------------------------------------------------------------

    /// <summary>Whether generators may ask for CPL 0 (XSAVES, XRSTORS that complete): not on a fixed machine at CPL 3.</summary>
    private static bool CanRunAtCpl0(PropertyContext ctx) => ctx.FixedMachine is not { Cpl: not 0 };

    private static bool Supports(CpuModel cpu, XsaveInstruction instruction) => instruction switch
    {
        XsaveInstruction.Xsavec => cpu.HasXsavec,
        XsaveInstruction.Xsaves or XsaveInstruction.Xrstors => cpu.HasXsaves,
        XsaveInstruction.Xsaveopt => cpu.HasXsaveopt,
        _ => true,
    };

    /// <summary>The image was saved from a state with the target's XCR0/XSS (or is zeroed), and nothing else was corrupted.</summary>
    private static bool SourceMatchesTarget(InstructionCase c) =>
        c.Buffer is { } spec &&
        (spec.Source is null || (spec.Source.Xcr0 == c.State.Xcr0 && spec.Source.Xss == c.State.Xss)) &&
        spec.Corruptions.All(k => k.Kind == CorruptionKind.XstateBvClear) && spec.Misalignment == 0 && spec.Length is null &&
        c.State.Cr4Osxsave && !c.State.Cr0Ts && (c.Operation is not XsaveFamilyOp { Instruction: XsaveInstruction.Xrstors } || c.State.Cpl == 0);

    /// <summary>RFBM ∧ XSTATE_BV ∧ XFD for a restore case (R27).</summary>
    private static FeatureMask DisabledToLoad(InstructionCase c)
    {
        if (c.Operation is not XsaveFamilyOp op || op.Memory.Length < XsaveImage.MinimumSize) return FeatureMask.None;
        var enabled = op.Instruction == XsaveInstruction.Xrstors ? c.State.Xcr0 | c.State.Xss : c.State.Xcr0;
        return enabled & op.EdxEax & op.Memory.ReadXstateBv() & c.State.Xfd;
    }

    private static CaseResult InitSemantics(PropertyContext ctx, InstructionCase x)
    {
        var op = (XsaveFamilyOp)x.Operation;
        var outcome = Run(ctx.Subject, x);
        if (!outcome.Succeeded) return Check.That(false, $"restore of a valid image faulted: {outcome.Fault}");
        var before = x.State;
        var after = outcome.State;
        bool compacted = op.Memory.ReadXcompBv().Contains(XFeatures.CompactedFormatBit);
        var rfbm = (op.Instruction == XsaveInstruction.Xrstors ? before.Xcr0 | before.Xss : before.Xcr0) & op.EdxEax;
        var bv = op.Memory.ReadXstateBv();
        uint imageMxcsr = op.Memory.ReadUInt32(24);

        var property = Check.That(true, "");
        foreach (int i in before.Components.Keys)
        {
            if (rfbm.Contains(i) && !bv.Contains(i))
                property = property.And(Check.That(after.Component(i).AsSpan().SequenceEqual(MachineState.InitImage(i, before.Component(i).Length)),
                    $"component {i} ({ComponentCatalogue.ShortName(i)}): RFBM=1, XSTATE_BV=0, but not in its init configuration"));
            else if (!rfbm.Contains(i))
                // R17, R20a: XINUSE of a component in its init configuration may read either way (KO §1c: value-tracked).
                property = property.And(Check.That(after.Component(i).AsSpan().SequenceEqual(before.Component(i).AsSpan()) &&
                                                   (after.XinUse.Contains(i) == before.XinUse.Contains(i) || MachineGen.IsInit(before, i)),
                    $"component {i} ({ComponentCatalogue.ShortName(i)}) is outside RFBM but changed"));
        }
        uint expectedMxcsr = compacted
            ? rfbm.Contains(XFeature.Sse) ? (bv.Contains(XFeature.Sse) ? imageMxcsr : MachineState.InitMxcsr) : before.Mxcsr
            : rfbm.Contains(XFeature.Sse) || rfbm.Contains(XFeature.Ymm) ? imageMxcsr : before.Mxcsr;
        property = property.And(Check.That(after.Mxcsr == expectedMxcsr,
            $"MXCSR 0x{after.Mxcsr:x}, expected 0x{expectedMxcsr:x} ({(compacted ? "compacted" : "standard")} form)"))
            .In(compacted ? InstructionBranches.CompactedImage : InstructionBranches.StandardImage);
        var present = before.Components.Keys.Aggregate(FeatureMask.None, (m, i) => m.With(i));
        if ((rfbm & present).Except(bv).Without(63).IsEmpty is false) property = property.In(InstructionBranches.Initialised);
        return present.Except(rfbm).IsEmpty ? property : property.In(InstructionBranches.OutsideRfbmKept);
    }

    private static CaseResult RoundTripHolds(PropertyContext ctx, RoundTripCase x, bool supervisor)
    {
        var cpu = x.Cpu.Cpu;
        if (supervisor ? !cpu.HasXsaves : !cpu.HasXsavec) return Check.Vacuous("the CPU lacks the instruction");
        var arch = ctx.Subject.Architecture(cpu);
        var area = XsaveBuffer.Zeroed(BufferGen.FullLength(cpu));
        var save = arch.Execute(x.Source, new XsaveFamilyOp(supervisor ? XsaveInstruction.Xsaves : XsaveInstruction.Xsavec, x.Mask, area));
        if (!save.Succeeded || save.Buffer is null) return Check.That(false, $"the save faulted: {save.Fault}");
        var restore = arch.Execute(x.Target, new XsaveFamilyOp(supervisor ? XsaveInstruction.Xrstors : XsaveInstruction.Xrstor, x.Mask, save.Buffer));
        if (!restore.Succeeded) return Check.That(false, $"the restore of a freshly saved zeroed area faulted: {restore.Fault}");

        var rfbm = (supervisor ? x.Source.Xcr0 | x.Source.Xss : x.Source.Xcr0) & x.Mask;
        var after = restore.State;
        var property = Check.That(after.Xcr0 == x.Target.Xcr0 && after.Xss == x.Target.Xss && after.Cpl == x.Target.Cpl, "registers changed");
        foreach (int i in x.Target.Components.Keys)
        {
            var expected = rfbm.Contains(i) ? x.Source.Component(i) : x.Target.Component(i);
            property = property.And(Check.That(after.Component(i).AsSpan().SequenceEqual(expected.AsSpan()),
                $"component {i} ({ComponentCatalogue.ShortName(i)}): {(rfbm.Contains(i) ? "not restored as saved" : "outside RFBM but changed")}"));
        }
        uint expectedMxcsr = rfbm.Contains(XFeature.Sse) ? x.Source.Mxcsr : x.Target.Mxcsr;
        var enabled = supervisor ? x.Source.Xcr0 | x.Source.Xss : x.Source.Xcr0;
        property = property.And(Check.That(after.Mxcsr == expectedMxcsr, $"MXCSR 0x{after.Mxcsr:x}, expected 0x{expectedMxcsr:x}"))
            .In(rfbm == enabled ? InstructionBranches.WholeState : InstructionBranches.PartialRfbm);
        return rfbm.Overlaps(x.Source.Xss) ? property.In(InstructionBranches.SupervisorInRfbm) : property;
    }

    internal static CaseResult SameOutcome(InstructionOutcome mine, InstructionOutcome want)
    {
        var diffs = want.Differences(mine);
        var extraComponents = mine.UnspecifiedComponents.Except(want.UnspecifiedComponents);
        var extraBytes = Uncovered(mine.UnspecifiedBytes, want.UnspecifiedBytes);
        return Check.That(diffs.Count == 0, "differs from the oracle (oracle != implementation): " + string.Join("; ", diffs.Take(6)))
            .And(Check.That(extraComponents.IsEmpty, $"components {extraComponents} unspecified here but defined by the oracle"))
            .And(Check.That(extraBytes is null, $"bytes {extraBytes} unspecified here but defined by the oracle"));
    }

    /// <summary>The first byte of <paramref name="a"/>'s ranges not covered by <paramref name="b"/>'s, or null.</summary>
    private static int? Uncovered(IReadOnlyList<ByteRange> a, IReadOnlyList<ByteRange> b)
    {
        foreach (var r in a)
            for (int k = r.Offset; k < r.End; k++)
                if (!b.Any(x => x.Contains(k))) return k;
        return null;
    }

    /// <summary>An outcome without the bulk (component bytes, memory bytes), for evidence files.</summary>
    private sealed record Summary(string? Fault, string State, string? Memory, ulong? Returned, string Unspecified)
    {
        public static Summary Of(InstructionOutcome o) => new(
            o.Fault?.ToString(), MachineText.Describe(o.State), o.Buffer is { } b ? MachineText.Describe(b) : null, o.ReturnedValue,
            $"bytes [{string.Join(", ", o.UnspecifiedBytes)}] components {o.UnspecifiedComponents}");
    }
}
