using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>XCR0, IA32_XSS and IA32_XFD acceptance (R8-R11; I2, I18).</summary>
public static class RegisterLaws
{
    private static ConformanceProperty Law(string name, LawKind kind, string[] rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<CpuAndMask>> inputs, Func<PropertyContext, CpuAndMask, CaseResult> holds) =>
        new Law<CpuAndMask>(name, kind, rules, needs, description, inputs, InputCodecs.CpuAndMask, holds);

    private const string Accepted = "accepted", Refused = "refused";

    /// <summary>A register law exists for both answers: values the CPU takes and values it refuses (by the oracle).</summary>
    private static readonly LawCoverage Both = new([Accepted, Refused], MaxVacuousShare: 0);

    private static FeatureMask XfdCapable(CpuModel cpu)
    {
        var capable = FeatureMask.None;
        for (ulong m = cpu.SupportedXcr0.Bits; m != 0; m &= m - 1)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(m);
            if (cpu.IsXfdCapable(i)) capable = capable.With(i);
        }
        return capable;
    }

    private static FeatureMask NearTheLattice(CpuModel cpu, ref SeededDraws d) => MaskDraws.NearXcr0Lattice(cpu.SupportedXcr0, ref d);

    /// <summary>An XSS subset (3 in 6), one with a bit flipped (2 in 6), any value (1 in 6).</summary>
    private static FeatureMask XssCandidates(CpuModel cpu, ref SeededDraws d) => d.Below(6) switch
    {
        < 3 => MaskDraws.SubsetOf(cpu.SupportedXss, ref d),
        < 5 => MaskDraws.SubsetOf(cpu.SupportedXss, ref d) ^ FeatureMask.Bit(d.Below(64)),
        _ => MaskDraws.Uniform(ref d),
    };

    /// <summary>Any CPU or one with an XFD-capable component (a synthetic one given AMX with XFD), one to one.</summary>
    private static CpuDraw HalfWithXfd(PropertyContext ctx)
    {
        var any = InputGen.AnyCpu(ctx);
        var withXfd = InputGen.CpusWith(ctx, InstructionGen.HasXfdComponent, s => s with { User = s.User | ArchMasks.Xtile, Xfd = true });
        return (ref SeededDraws d) => d.Chance(1, 2) ? any(ref d) : withXfd(ref d);
    }

    /// <summary>Within XCR0 (2 in 5), within the XFD-capable components (2 in 5), any value (1 in 5).</summary>
    private static FeatureMask XfdCandidates(CpuModel cpu, ref SeededDraws d) => d.Below(5) switch
    {
        < 2 => MaskDraws.SubsetOf(cpu.SupportedXcr0, ref d),
        < 4 => MaskDraws.SubsetOf(XfdCapable(cpu), ref d),
        _ => MaskDraws.Uniform(ref d),
    };

    /// <summary>Near the lattice or legal, one to one.</summary>
    private static FeatureMask LegalOrNear(CpuModel cpu, ref SeededDraws d) =>
        d.Chance(1, 2) ? MaskDraws.NearXcr0Lattice(cpu.SupportedXcr0, ref d) : MaskDraws.LegalXcr0(cpu.SupportedXcr0, ref d);

    private static string Verdict(CpuAndMask _, Contract.Registers.ValidityResult want) => want.Valid ? Accepted : Refused;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Differential.Law("registers.xcr0.differential", ["R8", "R9", "I2"], ContractPart.RegisterValidity,
            "XSETBV acceptance, and every reason for a refusal, equal the oracle's for values around the legal lattice.",
            ctx => InputGen.CpuAndMask(ctx, NearTheLattice), InputCodecs.CpuAndMask,
            (impl, x) => impl.Architecture(x.Cpu.Cpu).CheckXcr0(x.Mask), Verdict).Declares(Both);

        yield return Differential.Law("registers.xss.differential", ["R10"], ContractPart.RegisterValidity,
            "IA32_XSS acceptance equals the oracle's.",
            ctx => InputGen.CpuAndMask(ctx, XssCandidates), InputCodecs.CpuAndMask,
            (impl, x) => impl.Architecture(x.Cpu.Cpu).CheckXss(x.Mask), Verdict).Declares(Both);

        yield return Differential.Law("registers.xfd.differential", ["R11"], ContractPart.RegisterValidity,
            "IA32_XFD acceptance equals the oracle's.",
            // Half the CPUs with an XFD-capable component and masks within those components as often as not: drawn
            // from XCR0 alone on any CPU, 1-8 of 100 values were accepted (issue 16).
            ctx => InputGen.CpuAndMask(ctx, HalfWithXfd(ctx), XfdCandidates), InputCodecs.CpuAndMask,
            (impl, x) => impl.Architecture(x.Cpu.Cpu).CheckXfd(x.Mask), Verdict).Declares(Both);

        yield return Law("registers.xcr0.accepted-values-are-coherent", LawKind.Invariant, ["R8", "R9", "I18"], ContractPart.RegisterValidity,
            "Every accepted XCR0 has x87, stays within the supported set, and enables MPX, AVX-512 and AMX as whole bundles.",
            // Half the values are legal ones: near the lattice alone, half of them were refused and checked nothing.
            ctx => InputGen.CpuAndMask(ctx, LegalOrNear),
            (ctx, x) =>
            {
                if (!ctx.Subject.Architecture(x.Cpu.Cpu).CheckXcr0(x.Mask).Valid) return Check.Vacuous("refused");
                var m = x.Mask;
                bool whole(FeatureMask b) => (m & b).IsEmpty || (m & b) == b;
                return Check.That(m.Contains(XFeature.Fp), "accepted without x87")
                    .And(Check.That(m.IsSubsetOf(x.Cpu.Cpu.SupportedXcr0), "accepted unsupported bits"))
                    .And(Check.That(whole(ArchMasks.Mpx) && whole(ArchMasks.Avx512) && whole(ArchMasks.Xtile), "accepted half a bundle"))
                    .And(Check.That(!m.Contains(XFeature.Ymm) || m.Contains(XFeature.Sse), "accepted AVX without SSE")).In("accepted");
            }).Declares(new LawCoverage(["accepted"], MaxVacuousShare: 0.5)); // refused values: mean 28%, measured at most 40% over 20 seeds
    }
}
