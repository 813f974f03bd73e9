using System.Globalization;
using System.Text;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Contract.Machine;
using Xsave.Scenarios.Model;
using YamlDotNet.RepresentationModel;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// The scenario syntax of every argument kind (<see cref="ArgKind"/>), read and written in one place so that what the
/// writer produces (regression files converted to scenarios) is exactly what the reader accepts. Operations and guest
/// events are read and written from their descriptors (<see cref="KernelOps"/>, <see cref="GuestEvents"/>).
/// </summary>
internal static class ArgSyntax
{
    /// <summary>The user address GET options store their u64 at when the step gives none (any non-zero valid address).</summary>
    public const ulong UserPointer = 0x7ffd_0000_1000;

    /// <summary>Reads every argument of <paramref name="descriptor"/> from <paramref name="a"/>; the result builds the value
    /// per side (images may refer to what that side saved).</summary>
    public static Func<SideInputs, object> ReadOp(OpDescriptor descriptor, Args a, CpuModel cpu)
    {
        var readers = new List<(string Name, Func<SideInputs, object> Value)>();
        var known = new OpValues();
        foreach (var arg in descriptor.Args)
        {
            var reader = Read(a, arg, cpu, known);
            readers.Add((arg.Name, reader));
            if (arg.Kind is not ArgKind.Image) known.Set(arg.Name, reader(EmptySide));
        }
        a.Done();
        return side =>
        {
            var values = new OpValues();
            foreach (var (name, value) in readers) values.Set(name, value(side));
            return descriptor.Create(values);
        };
    }

    /// <summary>What a value is built with when no side is involved: only image arguments read the side.</summary>
    private static readonly SideInputs EmptySide = new(null!, null, null);

    /// <summary>One argument: its value, or its default when it is optional and absent.</summary>
    private static Func<SideInputs, object> Read(Args a, OpArg arg, CpuModel cpu, OpValues known)
    {
        string name = arg.Name;
        object value;
        switch (arg.Kind)
        {
            case ArgKind.Int: value = Int(a, arg); break;
            case ArgKind.UInt: value = UInt(a, name, (uint?)arg.Default); break;
            case ArgKind.ULong: value = a.ULong(name, (ulong?)arg.Default); break;
            case ArgKind.Mask: value = a.Mask(name, (ulong?)arg.Default, Keywords(cpu)); break;
            case ArgKind.Bool: value = a.Bool(name, (bool)(arg.Default ?? false)); break;
            case ArgKind.ArchPrctlOption: value = a.Symbol(name, Symbols.ArchPrctlOptions); break;
            case ArgKind.ArchPrctlArg: value = ArchPrctlArg(a, name, known.Int("option")); break;
            case ArgKind.KvmCapability: value = a.Symbol(name, Symbols.KvmCaps); break;
            case ArgKind.Msr: value = a.Symbol(name, Symbols.Msrs); break;
            case ArgKind.Image:
                // An optional image (sigreturn's frame) absent: its default, the same on both sides.
                if (arg.Default is byte[] absent && !a.Has(name)) return _ => absent;
                var image = Image(a, name, Uapi.KvmXsaveSize);
                return side => image.Build(side.SavedData, Uapi.KvmXsaveSize);
            case ArgKind.CpuidEntries: value = CpuidEntries(a, cpu); break;
            case ArgKind.Xcrs: value = Xcrs(a, cpu); break;
            case ArgKind.GuestEvents: value = Events(a, cpu); break;
            case ArgKind.Xfeature: value = Xfeature(a, name); break;
            default: throw new InvalidOperationException($"argument kind {arg.Kind} has no scenario syntax");
        }
        return _ => value;
    }

    /// <summary>One operation as a step line, in the syntax <see cref="ReadOp"/> reads back; every argument written.</summary>
    public static string WriteOp(OpDescriptor descriptor, object op)
    {
        var values = descriptor.Read(op);
        var args = descriptor.Args.Select(arg => $"{arg.Name}: {Write(arg, values[arg.Name])}");
        return $"{descriptor.Name}: {{{string.Join(", ", args)}}}";
    }

    public static string Write(OpArg arg, object value) => arg.Kind switch
    {
        ArgKind.Int => N((int)value),
        ArgKind.UInt => N((uint)value),
        ArgKind.ULong => N((ulong)value),
        ArgKind.Mask => H((ulong)value),
        ArgKind.Bool => (bool)value ? "true" : "false",
        ArgKind.ArchPrctlArg => N((ulong)value),
        ArgKind.ArchPrctlOption => Uapi.ArchPrctl.Options.NameOf((int)value) ?? H((ulong)(int)value),
        ArgKind.KvmCapability => Uapi.KvmCap.All.NameOf((int)value) ?? N((int)value),
        ArgKind.Msr => Uapi.Msr.All.NameOf((uint)value) ?? H((uint)value),
        ArgKind.Image => WriteImage((byte[])value),
        ArgKind.CpuidEntries => "[" + string.Join(", ", ((IReadOnlyList<CpuidEntry>)value).Select(e =>
            $"{{function: {H(e.Function)}, index: {e.Index}, eax: {H(e.Regs.Eax)}, ebx: {H(e.Regs.Ebx)}, ecx: {H(e.Regs.Ecx)}, edx: {H(e.Regs.Edx)}}}")) + "]",
        ArgKind.Xcrs => "[" + string.Join(", ", ((IReadOnlyList<XcrEntry>)value).Select(x => $"{{xcr: {x.Xcr}, value: {H(x.Value)}}}")) + "]",
        ArgKind.GuestEvents => "[" + string.Join(", ", ((IReadOnlyList<GuestEvent>)value).Select(WriteEvent)) + "]",
        ArgKind.Xfeature => Enum.IsDefined((XFeature)(int)value) ? XfeatureName((int)value) : N((int)value),
        _ => throw new InvalidOperationException($"argument kind {arg.Kind} has no scenario syntax"),
    };

    private static string WriteEvent(GuestEvent e)
    {
        var d = GuestEvents.For(e);
        if (d.Args.Count == 0) return d.Name;
        var values = d.Read(e);
        return $"{{{d.Name}: {{{string.Join(", ", d.Args.Select(arg => $"{arg.Name}: {Write(arg, values[arg.Name])}"))}}}}}";
    }

    /// <summary>An image as its size and every non-zero 64-bit word (lossless); header words by name.</summary>
    public static string WriteImage(byte[] b)
    {
        var parts = new List<string> { $"size: {b.Length}" };
        var padded = new byte[(b.Length + 7) / 8 * 8];
        b.CopyTo(padded, 0);
        var words = new List<string>();
        var tail = new List<string>();
        for (int off = 0; off < padded.Length; off += 8)
        {
            ulong v = BitConverter.ToUInt64(padded, off);
            if (v == 0) continue;
            if (off == XsaveImage.XstateBvOffset) parts.Add($"xstate_bv: {H(v)}");
            else if (off == XsaveImage.XcompBvOffset) parts.Add($"xcomp_bv: {H(v)}");
            else if (off + 8 > b.Length)
                for (int i = off; i < b.Length; i++) { if (b[i] != 0) tail.Add($"{N(i)}: {H(b[i])}"); }
            else words.Add($"{N(off)}: {H(v)}");
        }
        if (words.Count > 0) parts.Add($"u64: {{{string.Join(", ", words)}}}");
        if (tail.Count > 0) parts.Add($"u8: {{{string.Join(", ", tail)}}}");
        return "{" + string.Join(", ", parts) + "}";
    }

    private static string H(ulong v) => $"0x{v:x}";
    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string N(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The largest image or length a scenario may give: 1 MiB, about 90 times the largest XSAVE area.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>A signed argument; sizes are never negative, and iov_len is a size_t (any 64-bit length, see
    /// <see cref="IovLen"/>).</summary>
    private static int Int(Args a, OpArg arg) => arg.Name switch
    {
        "size" => a.Size(arg.Name, MaxBytes, (int?)arg.Default),
        "iov_len" => IovLen(a.ULong(arg.Name, (ulong?)(int?)arg.Default)),
        _ => a.Int(arg.Name, (int?)arg.Default),
    };

    /// <summary>A length past int range as the largest int with the same remainder mod 8: the kernel refuses a length
    /// that is not a multiple of 8 and clamps the rest (R71), so the answer is the same.</summary>
    private static int IovLen(ulong length) =>
        length <= int.MaxValue ? (int)length : (int.MaxValue & ~7) + (int)(length % 8);

    private static uint UInt(Args a, string name, uint? fallback)
    {
        ulong v = a.ULong(name, fallback);
        if (v > uint.MaxValue) throw new ParseFailure(a.Node(name) ?? a.At, $"{name} = {v} does not fit in 32 bits");
        return (uint)v;
    }

    /// <summary>Masks that name the CPU: supported (XCR0 or XSS as the CPU enumerates them).</summary>
    public static Dictionary<string, ulong> Keywords(CpuModel cpu) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["supported"] = cpu.SupportedXcr0.Bits,
        ["supported_xss"] = cpu.SupportedXss.Bits,
        ["supported_all"] = cpu.SupportedXcr0.Bits | cpu.SupportedXss.Bits,
    };

    /// <summary>arch_prctl's argument: ARCH_XCOMP_* names, xfeature names, or a number; a GET defaults to a valid user
    /// pointer, a REQ has no default.</summary>
    private static ulong ArchPrctlArg(Args a, string name, int option)
    {
        if (a.Node(name) is not YamlScalarNode s) return Uapi.ArchPrctl.IsGet(option) ? UserPointer : a.ULong(name, 0);
        var text = s.Value ?? "";
        if (Symbols.ArchPrctlArgs.TryGetValue(text, out var named)) return (ulong)named;
        if (!Symbols.TryInteger(text, out Int128 _) && Symbols.TryFeature(text, out int bit)) return (ulong)bit;
        return a.ULong(name);
    }

    /// <summary>Leaf 0xD entries: explicit ({function, index, eax, ebx, ecx, edx} list) or the shorthand a VMM uses: sub-leaf 0
    /// with EDX:EAX = xcr0, and sub-leaf 1 (the host's EAX, ECX:EDX = xss) when xss is given; flags: [xsave, shstk, ...]
    /// adds leaf 1 and/or leaf 7.0 entries with those bits (<see cref="CpuidBits"/>).</summary>
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
        entries.AddRange(FlagEntries(a));
        return entries;
    }

    /// <summary>The shorthand's flags: one leaf 1 entry and one leaf 7.0 entry holding the named bits (only those needed).</summary>
    private static IEnumerable<CpuidEntry> FlagEntries(Args a)
    {
        if (a.Node("flags") is not { } node) yield break;
        if (node is not YamlSequenceNode list) throw new ParseFailure(node, "kvm_set_cpuid2: flags must be a list like [xsave, shstk]");
        var regs = new Dictionary<uint, uint[]>();
        foreach (var item in list)
        {
            var name = (item as YamlScalarNode)?.Value ?? "";
            if (!CpuidBits.All.TryGetValue(name, out var bit))
                throw new ParseFailure(item, $"kvm_set_cpuid2: unknown CPUID flag '{name}' (known: {string.Join(", ", CpuidBits.All.Keys)})");
            if (!regs.TryGetValue(bit.Leaf, out var r)) regs[bit.Leaf] = r = new uint[3];
            r[(int)bit.Reg] |= 1u << bit.Bit;
        }
        foreach (var (leaf, r) in regs.OrderBy(kv => kv.Key))
            yield return new CpuidEntry(leaf, 0, new CpuidRegs(0, r[0], r[1], r[2]));
    }

    /// <summary>struct kvm_xcrs: an explicit list of {xcr, value}, or the shorthand xcr0: V.</summary>
    private static IReadOnlyList<XcrEntry> Xcrs(Args a, CpuModel cpu)
    {
        if (a.Node("xcrs") is YamlSequenceNode list)
            return list.Select(item => { var e = new Args("kvm_set_xcrs xcrs[]", item, item); var x = new XcrEntry((uint)e.ULong("xcr", 0), e.Mask("value")); e.Done(); return x; }).ToList();
        if (a.Node("xcrs") is { } bad) throw new ParseFailure(bad, "kvm_set_xcrs: xcrs must be a list of {xcr: N, value: V}");
        return [new XcrEntry(0, a.Mask("xcr0", null, Keywords(cpu)))];
    }

    /// <summary>One XSAVE component: a name the scenario format knows (YMM, XTILE_DATA, ...) or a number 0..63.</summary>
    private static int Xfeature(Args a, string name)
    {
        var n = a.Node(name) ?? throw new ParseFailure(a.At, $"missing argument '{name}' (a component: YMM, XTILE_DATA, or a number)");
        var text = a.Scalar(n, name);
        if (Symbols.TryInteger(text, out var i)) return i >= 0 && i < 64 ? (int)i : throw new ParseFailure(n, $"{name}: component {text} is not 0..63");
        return Symbols.TryFeature(text, out int bit) ? bit : throw new ParseFailure(n, $"{name}: '{text}' is not a component name (e.g. YMM, ZMM_HI256, XTILE_DATA)");
    }

    /// <summary>The kernel's name of a component (XFEATURE_ without the prefix), which <see cref="Symbols"/> reads back.</summary>
    private static string XfeatureName(int bit) => bit switch
    {
        0 => "FP", 1 => "SSE", 2 => "YMM", 5 => "OPMASK", 6 => "ZMM_HI256", 7 => "HI16_ZMM", 17 => "XTILE_CFG", 18 => "XTILE_DATA",
        _ => ((XFeature)bit).ToString(),
    };

    /// <summary>KVM_RUN's guest events: a list of names (events without arguments) or one-key mappings {event: {args}}.</summary>
    private static IReadOnlyList<GuestEvent> Events(Args a, CpuModel cpu)
    {
        if (a.Node("exits") is not YamlSequenceNode list) throw new ParseFailure(a.At, "kvm_run: missing argument 'exits' (a list of guest events)");
        string known = string.Join(", ", GuestEvents.All.Select(d => d.Name));
        var events = new List<GuestEvent>();
        foreach (var item in list)
        {
            YamlNode key, value;
            if (item is YamlScalarNode) (key, value) = (item, new YamlScalarNode(""));
            else if (item is YamlMappingNode { Children.Count: 1 } m) (key, value) = m.Children.First();
            else throw new ParseFailure(item, "kvm_run: each exit is one event, e.g. {xsetbv: {value: 0x7}}");
            var name = (key as YamlScalarNode)?.Value ?? "";
            var d = GuestEvents.Find(name) ?? throw new ParseFailure(key, $"kvm_run: unknown guest event '{name}' (known: {known})");
            try { events.Add((GuestEvent)ReadOp(d, new Args($"kvm_run {name}", key, value), cpu)(EmptySide)); }
            catch (ArgumentException e) { throw new ParseFailure(key, e.Message); }
        }
        return events;
    }

    /// <summary>
    /// An image: "saved" (the last one this side produced), or a description {from: saved, size, fill, address, xstate_bv,
    /// xcomp_bv, mxcsr, mxcsr_mask, fcw, reserved, u8/u16/u32/u64: {offset: value}}.
    /// </summary>
    public static ImageSpec Image(Args a, string key, int defaultSize)
    {
        var n = a.Node(key) ?? throw new ParseFailure(a.At, $"missing argument '{key}'");
        if (n is YamlScalarNode s)
            return s.Value == "saved" ? new ImageSpec(true, null, 0, []) : throw new ParseFailure(n, $"{key}: expected 'saved' or a description like {{size: 4096, xstate_bv: 0x3}}");
        var d = new Args(key, n, n);
        bool fromSaved = d.Node("from") is { } f && (d.Scalar(f, "from") == "saved" ? true : throw new ParseFailure(f, $"{key}: from must be 'saved'"));
        int? size = d.Has("size") ? d.Size("size", MaxBytes) : null;
        // Every write must land inside the image when its size is known now (a saved image's size is known only at run time).
        int? bound = size ?? (fromSaved ? null : defaultSize);
        var at = new Dictionary<ImageWrite, YamlNode>(ReferenceEqualityComparer.Instance);
        byte fill = (byte)d.ULong("fill", 0);
        ulong? address = d.Has("address") ? d.ULong("address") : null;
        var writes = new List<ImageWrite>();
        void Named(string name, int offset, int width)
        {
            if (d.Node(name) is not { } node) return;
            var w = new ImageWrite(offset, width, name is "xstate_bv" or "xcomp_bv" ? d.Mask(name) : d.ULong(name));
            writes.Add(w);
            at[w] = node;
        }
        Named("fcw", XsaveImage.FcwOffset, 2);
        Named("mxcsr", XsaveImage.MxcsrOffset, 4);
        Named("mxcsr_mask", XsaveImage.MxcsrMaskOffset, 4);
        Named("xstate_bv", XsaveImage.XstateBvOffset, 8);
        Named("xcomp_bv", XsaveImage.XcompBvOffset, 8);
        Named("reserved", XsaveImage.ReservedOffset, 8);
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
                var w = new ImageWrite((int)off, width, val);
                writes.Add(w);
                at[w] = ok;
            }
        }
        d.Done();
        foreach (var w in writes.Where(w => bound is { } b && w.Offset + w.Width > b))
            throw new ParseFailure(at[w], $"{key}: a {w.Width}-byte write at offset {w.Offset} is outside the {bound}-byte image");
        return new ImageSpec(fromSaved, size, fill, writes, address);
    }
}
