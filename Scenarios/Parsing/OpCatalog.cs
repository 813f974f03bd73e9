using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
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

    public static readonly IReadOnlyDictionary<string, Builder> Ops = new Dictionary<string, Builder>(StringComparer.Ordinal)
    {
        // ---- Linux process (R58-R67)
        ["arch_prctl"] = (a, _) =>
        {
            int option = a.Symbol("option", Symbols.ArchPrctlOptions);
            var argText = (a.Node("arg") as YamlScalarNode)?.Value ?? "";
            ulong arg = Symbols.ArchPrctlArgs.TryGetValue(argText, out var named) ? (ulong)named
                : !Symbols.TryInteger(argText, out Int128 _) && Symbols.TryFeature(argText, out int bit) ? (ulong)bit
                : a.ULong("arg", option is 0x1021 or 0x1022 or 0x1024 ? UserPointer : 0);
            var op = new ArchPrctlOp(a.Int("pid", 1), option, arg, a.Bool("bad_pointer", false));
            return Kernel(ContractPart.LinuxProcess, op);
        },
        ["sigaltstack"] = (a, _) => Kernel(ContractPart.LinuxProcess, new SigaltstackOp(a.Int("pid", 1), a.Int("tid", 0), a.ULong("size"))),
        ["clone_thread"] = (a, _) => Kernel(ContractPart.LinuxProcess, new SpawnThreadOp(a.Int("pid", 1))),
        ["fork"] = (a, _) => Kernel(ContractPart.LinuxProcess, new ForkOp(a.Int("pid", 1))),
        ["exec"] = (a, _) => Kernel(ContractPart.LinuxProcess, new ExecOp(a.Int("pid", 1))),
        ["xfd_nm"] = (a, _) => Kernel(ContractPart.LinuxProcess, new XfdFaultOp(a.Int("pid", 1), a.Int("tid", 0), new FeatureMask(a.Mask("xfd_err")))),

        // ---- UABI (R68-R72)
        ["ptrace_getregset"] = (a, _) => Kernel(ContractPart.Uabi, new PtraceGetXstateOp(a.Int("pid", 1), a.Int("tid", 0), a.Int("iov_len"))),
        ["ptrace_setregset"] = (a, _) =>
        {
            int pid = a.Int("pid", 1), tid = a.Int("tid", 0);
            var image = Image(a, "image");
            return new KernelAction(ContractPart.Uabi, side => new PtraceSetXstateOp(pid, tid, image.Build(side.SavedData, 4096)));
        },

        // ---- KVM (R73-R91)
        ["kvm_check_extension"] = (a, _) => Kernel(ContractPart.Kvm, new KvmCheckExtensionOp(a.Int("pid", 1), a.Symbol("capability", Symbols.KvmCaps))),
        ["kvm_get_supported_cpuid"] = (a, _) => Kernel(ContractPart.Kvm, new KvmGetSupportedCpuidOp(a.Int("pid", 1))),
        ["kvm_create_vcpu"] = (a, _) => Kernel(ContractPart.Kvm, new VcpuCreateOp(a.Int("pid", 1))),
        ["kvm_destroy_vcpu"] = (a, _) => Kernel(ContractPart.Kvm, new VcpuDestroyOp(a.Int("vcpu", 0))),
        ["kvm_set_cpuid2"] = (a, cpu) => Kernel(ContractPart.Kvm, new SetCpuid2Op(a.Int("vcpu", 0), CpuidEntries(a, cpu))),
        ["kvm_get_xcrs"] = (a, _) => Kernel(ContractPart.Kvm, new GetXcrsOp(a.Int("vcpu", 0))),
        ["kvm_set_xcrs"] = (a, cpu) =>
        {
            int vcpu = a.Int("vcpu", 0);
            uint flags = (uint)a.ULong("flags", 0);
            IReadOnlyList<XcrEntry> xcrs;
            if (a.Node("xcrs") is YamlSequenceNode list)
                xcrs = list.Select(item => { var e = new Args("kvm_set_xcrs xcrs[]", item, item); var x = new XcrEntry((uint)e.ULong("xcr", 0), e.Mask("value")); e.Done(); return x; }).ToList();
            else if (a.Node("xcrs") is { } bad) throw new ParseFailure(bad, "kvm_set_xcrs: xcrs must be a list of {xcr: N, value: V}");
            else xcrs = [new XcrEntry(0, a.Mask("xcr0", null, Keywords(cpu)))];
            return Kernel(ContractPart.Kvm, new SetXcrsOp(vcpu, flags, xcrs));
        },
        ["set_msr"] = (a, _) => Kernel(ContractPart.Kvm, new SetMsrOp(a.Int("vcpu", 0), a.Symbol("msr", Symbols.Msrs), a.Mask("value"))),
        ["get_msr"] = (a, _) => Kernel(ContractPart.Kvm, new GetMsrOp(a.Int("vcpu", 0), a.Symbol("msr", Symbols.Msrs))),
        ["kvm_run"] = (a, cpu) => Kernel(ContractPart.Kvm, new KvmRunOp(a.Int("vcpu", 0), Exits(a, cpu))),
        ["kvm_get_xsave"] = (a, _) => Kernel(ContractPart.Kvm, new GetXsaveOp(a.Int("vcpu", 0))),
        ["kvm_get_xsave2"] = (a, _) => Kernel(ContractPart.Kvm, new GetXsave2Op(a.Int("vcpu", 0), a.Int("size"))),
        ["kvm_set_xsave"] = (a, _) =>
        {
            int vcpu = a.Int("vcpu", 0);
            var image = Image(a, "image");
            return new KernelAction(ContractPart.Kvm, side => new SetXsaveOp(vcpu, image.Build(side.SavedData, 4096)));
        },
        ["vcpu_init"] = (a, _) => Kernel(ContractPart.Kvm, new VcpuInitOp(a.Int("vcpu", 0))),
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
        ["standard_size"] = (a, cpu) => { var m = new FeatureMask(a.Mask("xcr0", null, Keywords(cpu))); return Query(ContractPart.Layout, arch => One("value", FieldValue.Number(arch.StandardSize(m)))); },
        ["compacted_size"] = (a, cpu) => { var m = new FeatureMask(a.Mask("xcomp_bv", null, Keywords(cpu))); return Query(ContractPart.Layout, arch => One("value", FieldValue.Number(arch.CompactedSize(m)))); },
        ["standard_layout"] = (a, cpu) => { var m = new FeatureMask(a.Mask("xcr0", null, Keywords(cpu))); return Query(ContractPart.Layout, arch => Layout(arch.StandardLayout(m))); },
        ["compacted_layout"] = (a, cpu) => { var m = new FeatureMask(a.Mask("xcomp_bv", null, Keywords(cpu))); return Query(ContractPart.Layout, arch => Layout(arch.CompactedLayout(m))); },
        ["check_xcr0"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXcr0(v))); },
        ["check_xss"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXss(v))); },
        ["check_xfd"] = (a, _) => { var v = new FeatureMask(a.Mask("value")); return Query(ContractPart.RegisterValidity, arch => Validity(arch.CheckXfd(v))); },
    };

    /// <summary>The user address GET options store their u64 at when the step gives none (any non-zero valid address).</summary>
    public const ulong UserPointer = 0x7ffd_0000_1000;

    private static KernelAction Kernel(ContractPart part, KernelOp op) => new(part, _ => op);

    private static QueryAction Query(ContractPart part, Func<ICpuArchitecture, IReadOnlyDictionary<string, FieldValue>> ask) => new(part, ask);

    private static IReadOnlyDictionary<string, FieldValue> One(string key, FieldValue v) => new Dictionary<string, FieldValue> { [key] = v };

    /// <summary>Masks that name the CPU: supported (XCR0 or XSS as the CPU enumerates them).</summary>
    private static Dictionary<string, ulong> Keywords(CpuModel cpu) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["supported"] = cpu.SupportedXcr0.Bits,
        ["supported_xss"] = cpu.SupportedXss.Bits,
        ["supported_all"] = cpu.SupportedXcr0.Bits | cpu.SupportedXss.Bits,
    };

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

    /// <summary>Leaf 0xD entries: explicit ({function, index, eax, ebx, ecx, edx} list) or the shorthand a VMM uses: sub-leaf 0
    /// with EDX:EAX = xcr0, and sub-leaf 1 (the host's EAX, ECX:EDX = xss) when xss is given.</summary>
    private static IReadOnlyList<CpuidEntry> CpuidEntries(Args a, CpuModel cpu)
    {
        if (a.Node("entries") is YamlSequenceNode list)
            return list.Select(item =>
            {
                var e = new Args("kvm_set_cpuid2 entries[]", item, item);
                var entry = new CpuidEntry((uint)e.ULong("function", 0xD), (uint)e.ULong("index"),
                    new CpuidRegs((uint)e.ULong("eax", 0), (uint)e.ULong("ebx", 0), (uint)e.ULong("ecx", 0), (uint)e.ULong("edx", 0)));
                e.Done();
                return entry;
            }).ToList();
        if (a.Node("entries") is { } bad) throw new ParseFailure(bad, "kvm_set_cpuid2: entries must be a list");
        ulong xcr0 = a.Mask("xcr0", null, Keywords(cpu));
        var entries = new List<CpuidEntry> { new(0xD, 0, new CpuidRegs((uint)xcr0, 0, 0, (uint)(xcr0 >> 32))) };
        if (a.Has("xss"))
        {
            ulong xss = a.Mask("xss", null, Keywords(cpu));
            entries.Add(new CpuidEntry(0xD, 1, new CpuidRegs((uint)a.ULong("sub1_eax", cpu.SubLeaf(1).Eax), 0, (uint)xss, (uint)(xss >> 32))));
        }
        else a.Node("sub1_eax");
        return entries;
    }

    private static IReadOnlyList<GuestEvent> Exits(Args a, CpuModel cpu)
    {
        if (a.Node("exits") is not YamlSequenceNode list) throw new ParseFailure(a.At, "kvm_run: missing argument 'exits' (a list of guest events)");
        var events = new List<GuestEvent>();
        foreach (var item in list)
        {
            if (item is YamlScalarNode s)
            {
                events.Add(s.Value switch
                {
                    "kernel_fpu_begin" => new HostKernelFpuUse(),
                    "init" => new InitWhileRunning(),
                    _ => throw new ParseFailure(item, $"kvm_run: unknown guest event '{s.Value}' (known: xsetbv, wrmsr, rdmsr, wrpkru, kernel_fpu_begin, init)"),
                });
                continue;
            }
            if (item is not YamlMappingNode m || m.Children.Count != 1) throw new ParseFailure(item, "kvm_run: each exit is one event, e.g. {xsetbv: {value: 0x7}}");
            var (k, v) = m.Children.First();
            var name = (k as YamlScalarNode)?.Value ?? "";
            var e = new Args($"kvm_run {name}", k, v);
            GuestEvent ev = name switch
            {
                "xsetbv" => new GuestXsetbv(e.Int("cpl", 0), (uint)e.ULong("ecx", 0), e.Mask("value", null, Keywords(cpu))),
                "wrmsr" => new GuestWrmsr(e.Symbol("msr", Symbols.Msrs), e.Mask("value")),
                "rdmsr" => new GuestRdmsr(e.Symbol("msr", Symbols.Msrs)),
                "wrpkru" => new GuestWritePkru((uint)e.ULong("value")),
                "kernel_fpu_begin" => new HostKernelFpuUse(),
                "init" => new InitWhileRunning(),
                _ => throw new ParseFailure(k, $"kvm_run: unknown guest event '{name}' (known: xsetbv, wrmsr, rdmsr, wrpkru, kernel_fpu_begin, init)"),
            };
            e.Done();
            events.Add(ev);
        }
        return events;
    }

    private static InstructionAction Instruction(Args a, XsaveInstruction instruction)
    {
        var mask = new FeatureMask(a.Mask("mask", ulong.MaxValue));
        var buffer = Image(a, "buffer");
        return new InstructionAction(side =>
        {
            var bytes = buffer.Build(buffer.FromSaved ? side.SavedBuffer?.Bytes.ToArray() : null, 4096);
            ulong address = buffer.Address ?? (buffer.FromSaved ? side.SavedBuffer?.Address : null) ?? XsaveBuffer.DefaultAddress;
            return new XsaveFamilyOp(instruction, mask, XsaveBuffer.From(bytes, address));
        });
    }

    private static MachineAction Machine(Args a, CpuModel cpu)
    {
        var fields = new List<Func<MachineState, MachineState>>();
        if (a.Has("xcr0")) { var v = new FeatureMask(a.Mask("xcr0", null, Keywords(cpu))); fields.Add(m => m with { Xcr0 = v }); }
        if (a.Has("xss")) { var v = new FeatureMask(a.Mask("xss", null, Keywords(cpu))); fields.Add(m => m with { Xss = v }); }
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

    /// <summary>
    /// An image: "saved" (the last one this side produced), or a description {from: saved, size, fill, address, xstate_bv,
    /// xcomp_bv, mxcsr, mxcsr_mask, fcw, reserved, u8/u16/u32/u64: {offset: value}}.
    /// </summary>
    public static ImageSpec Image(Args a, string key)
    {
        var n = a.Node(key) ?? throw new ParseFailure(a.At, $"missing argument '{key}'");
        if (n is YamlScalarNode s)
            return s.Value == "saved" ? new ImageSpec(true, null, 0, []) : throw new ParseFailure(n, $"{key}: expected 'saved' or a description like {{size: 4096, xstate_bv: 0x3}}");
        var d = new Args(key, n, n);
        bool fromSaved = d.Node("from") is { } f && (d.Scalar(f, "from") == "saved" ? true : throw new ParseFailure(f, $"{key}: from must be 'saved'"));
        int? size = d.Has("size") ? d.Int("size") : null;
        byte fill = (byte)d.ULong("fill", 0);
        ulong? address = d.Has("address") ? d.ULong("address") : null;
        var writes = new List<ImageWrite>();
        void Named(string name, int offset, int width) { if (d.Has(name)) writes.Add(new ImageWrite(offset, width, name is "xstate_bv" or "xcomp_bv" ? d.Mask(name) : d.ULong(name))); }
        Named("fcw", 0, 2);
        Named("mxcsr", 24, 4);
        Named("mxcsr_mask", 28, 4);
        Named("xstate_bv", 512, 8);
        Named("xcomp_bv", 520, 8);
        Named("reserved", 528, 8);
        foreach (var (name, width) in new[] { ("u8", 1), ("u16", 2), ("u32", 4), ("u64", 8) })
        {
            if (d.Node(name) is not { } words) continue;
            if (words is not YamlMappingNode wm) throw new ParseFailure(words, $"{key}.{name}: expected a mapping offset: value");
            foreach (var (ok, ov) in wm.Children)
            {
                var offText = (ok as YamlScalarNode)?.Value ?? "";
                if (!Symbols.TryInteger(offText, out var off) || off < 0 || off > 1 << 20) throw new ParseFailure(ok, $"{key}.{name}: '{offText}' is not an offset");
                var valText = (ov as YamlScalarNode)?.Value ?? "";
                if (!Symbols.TryMask(valText, out var val)) throw new ParseFailure(ov, $"{key}.{name}: '{valText}' is not a value");
                writes.Add(new ImageWrite((int)off, width, val));
            }
        }
        d.Done();
        return new ImageSpec(fromSaved, size, fill, writes, address);
    }

    public static readonly ImmutableArray<string> ArchitectureOps =
        ["machine", "xsave", "xsaveopt", "xsavec", "xsaves", "xrstor", "xrstors", "xsetbv", "xgetbv", "wrmsr", "init", "reset"];
}
