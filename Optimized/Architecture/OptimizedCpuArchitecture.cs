using System.Numerics;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;
using Xsave.Contract.Registers;
using Xsave.Optimized.Architecture.Instructions;

namespace Xsave.Optimized.Architecture;

/// <summary>The contract's architecture part over <see cref="XstateTables"/>.</summary>
public sealed class OptimizedCpuArchitecture : ICpuArchitecture
{
    private readonly XstateTables _t;
    private InstructionEngine? _instructions; // built on the first instruction: most CPUs are only asked for layouts

    public OptimizedCpuArchitecture(CpuModel cpu) => _t = new XstateTables(cpu);

    public CpuModel Cpu => _t.Cpu;
    public XstateTables Tables => _t;

    public int StandardSize(FeatureMask xcr0) => _t.StandardSize(xcr0.Bits);

    public int CompactedSize(FeatureMask xcompBv) => _t.CompactedSize(xcompBv.Bits);

    /// <summary>Layouts already built, by component set: a layout is immutable, so a repeated query costs a lookup and
    /// allocates nothing (as the kernel keeps its offset tables from boot). Made on the first query.</summary>
    private LayoutCache? _standard, _compacted;

    public XsaveLayout StandardLayout(FeatureMask xcr0)
    {
        ulong present = xcr0.Bits & _t.SupportedXcr0;
        var cache = _standard ??= new LayoutCache();
        return cache.TryGet(present, out var known) ? known : cache.Add(present, BuildStandardLayout(present));
    }

    public XsaveLayout CompactedLayout(FeatureMask xcompBv)
    {
        ulong c = xcompBv.Bits & ~(1UL << 63);
        var cache = _compacted ??= new LayoutCache();
        return cache.TryGet(c, out var known) ? known : cache.Add(c, BuildCompactedLayout(c));
    }

    private XsaveLayout BuildStandardLayout(ulong present)
    {
        var placements = new ComponentPlacement[BitOperations.PopCount(present)];
        int n = 0;
        for (ulong m = present; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            placements[n++] = i switch
            {
                0 => new(0, 0, 160),
                1 => new(1, 160, 256),
                _ => new(i, _t.StandardOffset(i), _t.Size(i)),
            };
        }
        return new XsaveLayout(XsaveFormat.Standard, new FeatureMask(present), _t.StandardSize(present), placements);
    }

    private XsaveLayout BuildCompactedLayout(ulong c)
    {
        var placements = new ComponentPlacement[BitOperations.PopCount(c)];
        int n = 0, offset = 576;
        for (ulong m = c; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            if (i == 0) { placements[n++] = new(0, 0, 160); continue; }
            if (i == 1) { placements[n++] = new(1, 160, 256); continue; }
            if (((_t.Aligned64 >> i) & 1) != 0) offset = (offset + 63) & ~63;
            placements[n++] = new(i, offset, _t.Size(i));
            offset += _t.Size(i);
        }
        return new XsaveLayout(XsaveFormat.Compacted, new FeatureMask(c), offset, placements);
    }

    /// <summary>Refusals by their set of codes (what the contract compares): built once each, then shared.</summary>
    private ValidityResult?[]? _xcr0Refusals; // made on the first refusal (a race makes two: both are right)

    public ValidityResult CheckXcr0(FeatureMask value)
    {
        if (RegisterChecks.IsValidXcr0(value.Bits, _t.SupportedXcr0)) return ValidityResult.Ok;
        int codes = RegisterChecks.Xcr0RefusalCodes(value.Bits, _t.SupportedXcr0);
        // A benign race: two threads may build equal verdicts; either one is kept.
        return (_xcr0Refusals ??= new ValidityResult?[1 << 7])[codes] ??= RegisterChecks.CheckXcr0(value.Bits, _t.SupportedXcr0);
    }

    public ValidityResult CheckXss(FeatureMask value) => RegisterChecks.CheckXss(value.Bits, _t.SupportedXss, Cpu.HasXsaves);

    public ValidityResult CheckXfd(FeatureMask value) => RegisterChecks.CheckXfd(value.Bits, _t.XfdCapable, Cpu.HasXfd);

    public InstructionOutcome Execute(MachineState state, ArchOperation operation) =>
        (_instructions ??= new InstructionEngine(new CpuFacts(_t))).Execute(state, operation);
}
