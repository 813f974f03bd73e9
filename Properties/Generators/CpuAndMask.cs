using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>A CPU and one mask to ask about it: the input of most architecture laws.</summary>
public sealed record CpuAndMask(CpuCase Cpu, FeatureMask Mask)
{
    public override string ToString() => $"{Cpu} mask={Mask.ToHex()} ({Mask.Describe()})";
}

/// <summary>A CPU and two masks with <see cref="Small"/> ⊆ <see cref="Large"/>.</summary>
public sealed record CpuAndNestedMasks(CpuCase Cpu, FeatureMask Small, FeatureMask Large)
{
    public override string ToString() => $"{Cpu} small={Small.ToHex()} large={Large.ToHex()}";
}

public static class InputGen
{
    /// <summary>The CPUs a law runs on: the subject's fixed CPU, or the corpus and synthetic ones.</summary>
    public static Gen<CpuCase> Cpus(PropertyContext ctx) =>
        ctx.FixedCpu is { } fixedCpu ? Gen.Constant(new CpuCase(fixedCpu, null)) : CpuGen.Any(ctx.CorpusCpus);

    private static IEnumerable<CpuCase> ShrinkCpu(PropertyContext ctx, CpuCase c) =>
        ctx.FixedCpu is null ? CpuGen.Shrink(c, ctx.CorpusCpus) : [];

    /// <summary>The CPUs of <see cref="Cpus"/> as a draw: the subject's fixed CPU, or corpus and synthetic ones one to one.</summary>
    public static CpuDraw AnyCpu(PropertyContext ctx)
    {
        if (ctx.FixedCpu is { } fixedCpu)
        {
            var only = new CpuCase(fixedCpu, null);
            return (ref SeededDraws _) => only;
        }
        var corpus = ctx.CorpusCpus;
        return (ref SeededDraws d) => CpuGen.Draw(ref d, corpus);
    }

    /// <summary>The CPUs of <see cref="InstructionGen.CpusWith"/> as a draw: a fixed CPU as it is, else the corpus
    /// profiles satisfying <paramref name="wanted"/> and synthetic CPUs forced by <paramref name="force"/>.</summary>
    public static CpuDraw CpusWith(PropertyContext ctx, Func<CpuModel, bool> wanted, Func<SyntheticCpu, SyntheticCpu> force)
    {
        if (ctx.FixedCpu is not null) return AnyCpu(ctx);
        var real = CorpusFilter.Matching(ctx.CorpusCpus, wanted);
        return (ref SeededDraws d) => CpuGen.DrawWith(ref d, real, wanted, force);
    }

    /// <summary>A CPU with a mask drawn by <paramref name="maskFor"/>, both from one FsCheck draw (the CPUs of
    /// <see cref="Cpus"/>, with the same odds); shrinks the mask, then the CPU.</summary>
    public static Arbitrary<CpuAndMask> CpuAndMask(PropertyContext ctx, MaskDraw maskFor) => CpuAndMask(ctx, AnyCpu(ctx), maskFor);

    /// <summary>As above, with the CPUs drawn by <paramref name="cpus"/> (a law steering toward some CPUs).</summary>
    public static Arbitrary<CpuAndMask> CpuAndMask(PropertyContext ctx, CpuDraw cpus, MaskDraw maskFor)
    {
        var gen = SeededDraws.From(d =>
        {
            var cpu = cpus(ref d);
            return new CpuAndMask(cpu, maskFor(cpu.Cpu, ref d));
        });
        return Arb.From(gen, x => Shrink(ctx, x));
    }

    private static IEnumerable<CpuAndMask> Shrink(PropertyContext ctx, CpuAndMask x) =>
        MaskGen.Shrink(x.Mask).Select(m => x with { Mask = m })
            .Concat(ShrinkCpu(ctx, x.Cpu).Select(c => x with { Cpu = c }));

    /// <summary>Two nested masks within what the CPU enumerates (<paramref name="universe"/> of it), from one draw.</summary>
    public static Arbitrary<CpuAndNestedMasks> NestedMasks(PropertyContext ctx, Func<CpuModel, FeatureMask> universe)
    {
        var cpus = AnyCpu(ctx);
        var gen = SeededDraws.From(d =>
        {
            var cpu = cpus(ref d);
            var large = MaskDraws.SubsetOf(universe(cpu.Cpu), ref d);
            return new CpuAndNestedMasks(cpu, MaskDraws.SubsetOf(large, ref d), large);
        });
        return Arb.From(gen, x =>
            MaskGen.Shrink(x.Large).Select(l => x with { Large = l, Small = x.Small & l })
                .Concat(MaskGen.Shrink(x.Small).Select(s => x with { Small = s }))
                .Concat(ShrinkCpu(ctx, x.Cpu).Select(c => x with { Cpu = c })));
    }
}
