using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Contract.Machine;
using Xsave.Scenarios.Model;
using YamlDotNet.RepresentationModel;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// Every operation a step may name, with its arguments. Linux/KVM names are the contract's JSON discriminators
/// (KernelOp); architecture steps are named for the instruction or query. Processes, threads and vCPUs are numbered as
/// the contract numbers them: process 1 thread 0 exists at boot; forks and vCPUs count up in creation order.
/// </summary>
internal static class OpCatalog
{
    public delegate StepAction Builder(Args a, CpuModel cpu);

    /// <summary>Every step name: the kernel operations from their descriptors (<see cref="KernelOps"/>), then the
    /// architecture steps and queries.</summary>
    public static readonly IReadOnlyDictionary<string, Builder> Ops = KernelOps.All
        .Select(d => KeyValuePair.Create(d.Name, (Builder)((a, cpu) => Kernel(d, a, cpu))))
        .Concat(ArchitectureSteps()).ToDictionary(StringComparer.Ordinal);

    private static KernelAction Kernel(IKernelOpDescriptor d, Args a, CpuModel cpu)
    {
        var build = ArgSyntax.ReadOp((OpDescriptor)d, a, cpu);
        return new KernelAction(d.Part, side => (KernelOp)build(side));
    }

    private static IEnumerable<KeyValuePair<string, Builder>> ArchitectureSteps() => new Dictionary<string, Builder>(StringComparer.Ordinal)
    {
        ["boot"] = (_, _) => new BootAction(),

        // ---- Architecture (R8-R29) on the scenario's machine state
        ["machine"] = (a, cpu) => Machine(a, cpu),
        ["xsave"] = (a, _) => Instruction(a, XsaveInstruction.Xsave),
        ["xsaveopt"] = (a, _) => Instruction(a, XsaveInstruction.Xsaveopt),
        ["xsavec"] = (a, _) => Instruction(a, XsaveInstruction.Xsavec),
        ["xsaves"] = (a, _) => Instruction(a, XsaveInstruction.Xsaves),
        ["xrstor"] = (a, _) => Instruction(a, XsaveInstruction.Xrstor),
        ["xrstors"] = (a, _) => Instruction(a, XsaveInstruction.Xrstors),
        ["xsetbv"] = (a, _) => { var op = new XsetbvOp((uint)a.ULong("ecx", 0), new FeatureMask(a.Mask("value"))); return new InstructionAction(_ => op); },
        ["xgetbv"] = (a, _) => { var op = new XgetbvOp((uint)a.ULong("ecx", 0)); return new InstructionAction(_ => op); },
        ["wrmsr"] = (a, _) => { var op = new WrmsrOp((ArchMsr)a.Symbol("msr", Symbols.Msrs), new FeatureMask(a.Mask("value"))); return new InstructionAction(_ => op); },
        ["init"] = (_, _) => new InstructionAction(_ => new InitOp()),
        ["reset"] = (_, _) => new InstructionAction(_ => new ResetOp()),
        ["standard_size"] = (a, cpu) => { var m = Components(a, "standard_size", cpu); return Query(ContractPart.Layout, arch => One("value", FieldValue.Number(arch.StandardSize(m)))); },
        ["compacted_size"] = (a, cpu) => { var m = Components(a, "compacted_size", cpu); return Query(ContractPart.Layout, arch => One("value", FieldValue.Number(arch.CompactedSize(m)))); },
        ["standard_layout"] = (a, cpu) => { var m = Components(a, "standard_layout", cpu); return Query(ContractPart.Layout, arch => Layout(arch.StandardLayout(m))); },
        ["compacted_layout"] = (a, cpu) => { var m = Components(a, "compacted_layout", cpu); return Query(ContractPart.Layout, arch => Layout(arch.CompactedLayout(m))); },
        ["check_xcr0"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXcr0(v))); },
        ["check_xss"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXss(v))); },
        ["check_xfd"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXfd(v))); },
    };

    /// <summary>
    /// The layout queries' argument: <c>components</c>, a set of state components (0-62). It is not an XCOMP_BV, so
    /// bit 63 (XCOMP_BV's compacted-format flag) is refused; a standard layout ignores supervisor components (R14).
    /// The names it had before ('xcr0', 'xcomp_bv') are refused with the new one.
    /// </summary>
    private static FeatureMask Components(Args a, string op, CpuModel cpu)
    {
        foreach (var old in new[] { "xcr0", "xcomp_bv" })
            if (a.Node(old) is { } n)
                throw new ParseFailure(n, $"{op}: '{old}' was renamed 'components': the set of state components to lay out " +
                    "(bit 63, XCOMP_BV's format flag, is not a component and is refused)");
        var node = a.Node("components");
        ulong m = a.Mask("components", null, ArgSyntax.Keywords(cpu));
        if ((m & (1UL << XFeatures.CompactedFormatBit)) != 0)
            throw new ParseFailure(node, $"{op}: components 0x{m:x} has bit 63, XCOMP_BV's compacted-format flag, which is not a component; give the components only (0x{m & ~(1UL << XFeatures.CompactedFormatBit):x})");
        return new FeatureMask(m);
    }

    private static QueryAction Query(ContractPart part, Func<ICpuArchitecture, IReadOnlyDictionary<string, FieldValue>> ask) => new(part, ask);

    private static IReadOnlyDictionary<string, FieldValue> One(string key, FieldValue v) => new Dictionary<string, FieldValue> { [key] = v };

    private static IReadOnlyDictionary<string, FieldValue> Layout(Contract.Layouts.XsaveLayout layout)
    {
        var d = new Dictionary<string, FieldValue> { ["size"] = FieldValue.Number(layout.Size), ["components"] = FieldValue.Mask(layout.Components.Bits) };
        foreach (var p in layout.Placements)
        {
            d[$"offset.{p.Index}"] = FieldValue.Number(p.Offset);
            d[$"size.{p.Index}"] = FieldValue.Number(p.Size);
        }
        return d;
    }

    private static IReadOnlyDictionary<string, FieldValue> Validity(Contract.Registers.ValidityResult r) => new Dictionary<string, FieldValue>
    {
        ["valid"] = FieldValue.Flag(r.Valid),
        ["reasons"] = FieldValue.Names(r.Codes.Select(c => c.ToString()).ToList()),
    };

    /// <summary>An instruction's buffer when the step gives no size: one page.</summary>
    private const int DefaultBufferSize = 4096;

    private static InstructionAction Instruction(Args a, XsaveInstruction instruction)
    {
        var mask = new FeatureMask(a.Mask("mask", ulong.MaxValue));
        var buffer = ArgSyntax.Image(a, "buffer", DefaultBufferSize);
        return new InstructionAction(side =>
        {
            var bytes = buffer.Build(buffer.FromSaved ? side.SavedBuffer?.Bytes.ToArray() : null, DefaultBufferSize);
            ulong address = buffer.Address ?? (buffer.FromSaved ? side.SavedBuffer?.Address : null) ?? XsaveBuffer.DefaultAddress;
            return new XsaveFamilyOp(instruction, mask, XsaveBuffer.From(bytes, address));
        });
    }

    private static MachineAction Machine(Args a, CpuModel cpu)
    {
        var fields = new List<Func<MachineState, MachineState>>();
        if (a.Has("xcr0")) { var v = new FeatureMask(a.Mask("xcr0", null, ArgSyntax.Keywords(cpu))); fields.Add(m => m with { Xcr0 = v }); }
        if (a.Has("xss")) { var v = new FeatureMask(a.Mask("xss", null, ArgSyntax.Keywords(cpu))); fields.Add(m => m with { Xss = v }); }
        if (a.Has("xfd")) { var v = new FeatureMask(a.Mask("xfd")); fields.Add(m => m with { Xfd = v }); }
        if (a.Has("xfd_err")) { var v = new FeatureMask(a.Mask("xfd_err")); fields.Add(m => m with { XfdErr = v }); }
        if (a.Has("cpl")) { int v = a.Int("cpl"); fields.Add(m => m with { Cpl = v }); }
        if (a.Has("cr0_ts")) { bool v = a.Bool("cr0_ts", false); fields.Add(m => m with { Cr0Ts = v }); }
        if (a.Has("osxsave")) { bool v = a.Bool("osxsave", true); fields.Add(m => m with { Cr4Osxsave = v }); }
        if (a.Has("mxcsr")) { uint v = (uint)a.ULong("mxcsr"); fields.Add(m => m with { Mxcsr = v }); }
        if (a.Node("fill") is YamlMappingNode fill)
        {
            // fill: {AVX: 0xaa}: every byte of the component set to the value, as a program writing the registers (XINUSE=1).
            foreach (var (k, v) in fill.Children)
            {
                var name = (k as YamlScalarNode)?.Value ?? "";
                int bit;
                if (Symbols.TryInteger(name, out var n) && n >= 0 && n < 64) bit = (int)n;
                else if (!Symbols.TryFeature(name, out bit)) throw new ParseFailure(k, $"machine fill: unknown component '{name}'");
                if (bit != 0 && bit != 1 && cpu.ComponentSize(bit) == 0) throw new ParseFailure(k, $"machine fill: the CPU does not enumerate component {bit}");
                var valueText = (v as YamlScalarNode)?.Value ?? "";
                if (!Symbols.TryInteger(valueText, out var b) || b < 0 || b > 255) throw new ParseFailure(v, "machine fill: expected a byte value");
                int index = bit;
                byte value = (byte)b;
                fields.Add(m =>
                {
                    var bytes = new byte[m.Component(index).Length];
                    Array.Fill(bytes, value);
                    if (index == 0) bytes.AsSpan(MachineState.X87MxcsrHole.Offset, MachineState.X87MxcsrHole.Length).Clear();
                    return m.WithComponent(index, bytes);
                });
            }
        }
        else if (a.Node("fill") is { } bad) throw new ParseFailure(bad, "machine fill: expected a mapping like {AVX: 0xaa}");
        return new MachineAction((m, _) => fields.Aggregate(m, (s, f) => f(s)));
    }

    public static readonly ImmutableArray<string> ArchitectureOps =
        ["machine", "xsave", "xsaveopt", "xsavec", "xsaves", "xrstor", "xrstors", "xsetbv", "xgetbv", "wrmsr", "init", "reset"];
}
