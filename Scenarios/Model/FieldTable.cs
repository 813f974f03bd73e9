using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Scenarios.Model;

/// <summary>What a field is read from: a kernel step's outcome, the state after it and the boot summary, or an
/// instruction's outcome and the machine state after it, or a query's answers.</summary>
public sealed record FieldSource(
    KernelOutcome? Outcome = null,
    KernelSnapshot? Snapshot = null,
    BootSummary? Boot = null,
    InstructionOutcome? Instruction = null,
    MachineState? Machine = null,
    IReadOnlyDictionary<string, FieldValue>? Answers = null,
    string? Invariants = null);

/// <summary>The kinds of step, as far as their fields go.</summary>
public enum FieldScope { Kernel, Boot, Instruction, Query, Invariants }

/// <summary>
/// Every field an expectation may name, with how it is read — one table, used by the parser (a misspelt field is an
/// error with its line, not an expectation that can never be met) and by the runner. A field is a fixed prefix with
/// numbered parts (pN, tN, vcpuN, cpuid.N, u64@N, ...) and a name from one of the tables below.
/// </summary>
public static partial class FieldTable
{
    private delegate FieldValue? Reader(FieldSource source);

    private static readonly Dictionary<string, Func<FpStateSnapshot, FieldValue>> Fpstate = new()
    {
        ["size"] = f => FieldValue.Number(f.Size),
        ["user_size"] = f => FieldValue.Number(f.UserSize),
        ["xfeatures"] = f => FieldValue.Mask(f.Xfeatures.Bits),
        ["user_xfeatures"] = f => FieldValue.Mask(f.UserXfeatures.Bits),
        ["xfd"] = f => FieldValue.Mask(f.Xfd.Bits),
        ["is_guest"] = f => FieldValue.Flag(f.IsGuest),
        ["in_use"] = f => FieldValue.Flag(f.InUse),
        ["xstate_bv"] = f => FieldValue.Mask(f.XstateBv.Bits),
        ["xcomp_bv"] = f => FieldValue.Mask(f.XcompBv.Bits),
    };

    private static readonly Dictionary<string, Func<FpuConfigSummary, FieldValue>> FpuConfig = new()
    {
        ["max_features"] = c => FieldValue.Mask(c.MaxFeatures.Bits),
        ["default_features"] = c => FieldValue.Mask(c.DefaultFeatures.Bits),
        ["independent_features"] = c => FieldValue.Mask(c.IndependentFeatures.Bits),
        ["max_size"] = c => FieldValue.Number(c.MaxSize),
        ["default_size"] = c => FieldValue.Number(c.DefaultSize),
    };

    private static readonly Dictionary<string, Func<BootSummary, FieldValue>> Boot = new Dictionary<string, Func<BootSummary, FieldValue>>
    {
        ["xsave"] = b => FieldValue.Flag(b.Xsave),
        ["compacted"] = b => FieldValue.Flag(b.Compacted),
        ["disabled_reason"] = b => FieldValue.Name(b.DisabledReason ?? "none"),
        ["failed"] = b => FieldValue.Flag(b.Failed),
        ["failure"] = b => FieldValue.Name(b.Failure ?? "none"),
        ["xcr0"] = b => FieldValue.Mask(b.Xcr0.Bits),
        ["xss"] = b => FieldValue.Mask(b.Xss.Bits),
        ["guest_features"] = b => FieldValue.Mask(b.GuestFeatures.Bits),
        ["guest_size"] = b => FieldValue.Number(b.GuestSize),
    }.Concat(FpuConfig.Select(kv => KeyValuePair.Create("kernel." + kv.Key, (Func<BootSummary, FieldValue>)(b => kv.Value(b.Kernel)))))
     .Concat(FpuConfig.Select(kv => KeyValuePair.Create("user." + kv.Key, (Func<BootSummary, FieldValue>)(b => kv.Value(b.User)))))
     .ToDictionary();

    private static readonly Dictionary<string, Func<ProcessSnapshot, FieldValue>> Process = new()
    {
        ["alive"] = p => FieldValue.Flag(p.Alive),
        ["threads"] = p => FieldValue.Number(p.Threads.Count),
        ["perm"] = p => FieldValue.Mask(p.Perm.StatePerm.Bits),
        ["perm.size"] = p => FieldValue.Number(p.Perm.StateSize),
        ["perm.user_size"] = p => FieldValue.Number(p.Perm.UserStateSize),
        ["guest_perm"] = p => FieldValue.Mask(p.GuestPerm.StatePerm.Bits),
        ["guest_perm.size"] = p => FieldValue.Number(p.GuestPerm.StateSize),
        ["guest_perm.user_size"] = p => FieldValue.Number(p.GuestPerm.UserStateSize),
        ["guest_perm_locked"] = p => FieldValue.Flag(p.GuestPerm.StatePerm.Contains(XFeatures.CompactedFormatBit)),
    };

    private static readonly Dictionary<string, Func<VcpuSnapshot, FieldValue>> Vcpu = new()
    {
        ["alive"] = v => FieldValue.Flag(v.Alive),
        ["xcr0"] = v => FieldValue.Mask(v.Xcr0.Bits),
        ["xss"] = v => FieldValue.Mask(v.Xss.Bits),
        ["xfd"] = v => FieldValue.Mask(v.Xfd.Bits),
        ["xfd_err"] = v => FieldValue.Mask(v.XfdErr),
        ["pkru"] = v => FieldValue.Mask(v.Pkru),
        ["guest_supported_xcr0"] = v => FieldValue.Mask(v.GuestSupportedXcr0.Bits),
        ["guest_supported_xss"] = v => FieldValue.Mask(v.GuestSupportedXss.Bits),
        ["guest_fpu_xfeatures"] = v => FieldValue.Mask(v.GuestFpuXfeatures.Bits),
        ["uabi_size"] = v => FieldValue.Number(v.UabiSize),
        ["fpu_loaded"] = v => FieldValue.Flag(v.FpuLoaded),
        ["has_run"] = v => FieldValue.Flag(v.HasRun),
    };

    private static readonly Dictionary<string, Func<KernelOutcome, FieldValue?>> Outcome = new()
    {
        ["result"] = o => FieldValue.Result(o.Result),
        ["value"] = o => o.Value is { } v ? FieldValue.Mask(v) : null,
        ["created"] = o => o.Created is { } c ? FieldValue.Number(c) : null,
        ["signal"] = o => FieldValue.Name(o.Signal?.Name() ?? "none"),
        ["exits"] = o => o.Exits is null ? null : FieldValue.Names(o.Exits.Select(e => e.ToString()).ToList()),
        ["cpuid.count"] = o => o.Cpuid is null ? null : FieldValue.Number(o.Cpuid.Count),
    };

    /// <summary>Fields of an XSAVE image (KVM_GET_XSAVE data, a saved buffer); u8/u16/u32/u64@N read any word.</summary>
    private static readonly Dictionary<string, Func<byte[], FieldValue?>> Image = new()
    {
        ["size"] = b => FieldValue.Number(b.Length),
        ["fcw"] = b => Word(b, XsaveImage.FcwOffset, 2),
        ["mxcsr"] = b => Word(b, XsaveImage.MxcsrOffset, 4),
        ["mxcsr_mask"] = b => Word(b, XsaveImage.MxcsrMaskOffset, 4),
        ["xstate_bv"] = b => Word(b, XsaveImage.XstateBvOffset, 8),
        ["xcomp_bv"] = b => Word(b, XsaveImage.XcompBvOffset, 8),
        ["reserved_zero"] = b => XsaveImage.Read(b).ReservedIsZero is { } zero ? FieldValue.Flag(zero) : null,
    };

    private static readonly Dictionary<string, Func<InstructionOutcome?, MachineState, FieldValue?>> Machine = new()
    {
        ["fault"] = (o, _) => FieldValue.Name(o?.Fault?.Kind.ToString() ?? "none"),
        ["value"] = (o, _) => o?.ReturnedValue is { } v ? FieldValue.Mask(v) : null,
        ["xcr0"] = (_, s) => FieldValue.Mask(s.Xcr0.Bits),
        ["xss"] = (_, s) => FieldValue.Mask(s.Xss.Bits),
        ["xfd"] = (_, s) => FieldValue.Mask(s.Xfd.Bits),
        ["xfd_err"] = (_, s) => FieldValue.Mask(s.XfdErr.Bits),
        ["xinuse"] = (_, s) => FieldValue.Mask(s.XinUse.Bits),
        ["cpl"] = (_, s) => FieldValue.Number(s.Cpl),
        ["osxsave"] = (_, s) => FieldValue.Flag(s.Cr4Osxsave),
        ["cr0_ts"] = (_, s) => FieldValue.Flag(s.Cr0Ts),
        ["mxcsr"] = (_, s) => FieldValue.Mask(s.Mxcsr),
        // R20a: what the architecture leaves open in the written buffer (XSTATE_BV bits; the number of bytes).
        ["unspecified_xstate_bv"] = (o, _) => o?.Buffer is null ? null : FieldValue.Mask(o.UnspecifiedXstateBv.Bits),
        ["unspecified_bytes"] = (o, _) => o?.Buffer is null ? null : FieldValue.Number(o.UnspecifiedBytes.Sum(r => r.Length)),
    };

    private static readonly string[] QueryFields = ["value", "valid", "reasons", "size", "components", "offset.N", "size.N"];

    /// <summary>The reader of <paramref name="path"/> in a step of <paramref name="scope"/>, or null when no such field exists.</summary>
    public static Func<FieldSource, FieldValue?>? Resolve(FieldScope scope, string path)
    {
        Reader? reader = scope switch
        {
            FieldScope.Kernel => KernelField(path),
            FieldScope.Boot => path.StartsWith("boot.", StringComparison.Ordinal) ? BootField(path[5..]) : null,
            FieldScope.Instruction => InstructionField(path),
            FieldScope.Query => QueryPath().IsMatch(path) ? s => s.Answers?.GetValueOrDefault(path) : null,
            FieldScope.Invariants => null, // one field, below
            _ => null,
        };
        if (scope == FieldScope.Invariants && path == "invariants") return s => s.Invariants is { } v ? FieldValue.Name(v) : null;
        return reader is null ? null : source => reader(source);
    }

    public static bool Allowed(FieldScope scope, string path) => Resolve(scope, path) is not null;

    /// <summary>The fields of a scope, for error messages (N: a number).</summary>
    public static string Help(FieldScope scope) => scope switch
    {
        FieldScope.Kernel => string.Join(", ", Outcome.Keys.Append("cpuid.N.(eax|ebx|ecx|edx)")
            .Concat(ImageHelp("data")).Concat(Process.Keys.Select(k => "pN." + k)).Append("pN.tM.sigaltstack")
            .Concat(Fpstate.Keys.Select(k => "pN.tM.fpstate." + k)).Concat(Vcpu.Keys.Select(k => "vcpuN." + k))
            .Concat(Fpstate.Keys.Select(k => "vcpuN.fpstate." + k)).Concat(Boot.Keys.Select(k => "boot." + k))),
        FieldScope.Boot => string.Join(", ", Boot.Keys.Select(k => "boot." + k)),
        FieldScope.Instruction => string.Join(", ", Machine.Keys.Append("component.N.init").Concat(ImageHelp("buffer"))),
        FieldScope.Query => string.Join(", ", QueryFields),
        FieldScope.Invariants => "invariants",
        _ => "",
    };

    private static IEnumerable<string> ImageHelp(string prefix) =>
        Image.Keys.Append("(u8|u16|u32|u64)@N").Select(k => $"{prefix}.{k}");

    private static Reader? KernelField(string path)
    {
        if (path.StartsWith("boot.", StringComparison.Ordinal)) return BootField(path[5..]);
        if (Outcome.TryGetValue(path, out var outcome)) return s => s.Outcome is null ? null : outcome(s.Outcome);
        if (path.StartsWith("data.", StringComparison.Ordinal) && ImageField(path[5..]) is { } image)
            return s => s.Outcome?.Data is { } d ? image(d) : null;
        if (CpuidPath().Match(path) is { Success: true } c)
        {
            uint index = uint.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture);
            string reg = c.Groups[2].Value;
            return s => s.Outcome?.Cpuid?.FirstOrDefault(e => e.Index == index) is { } entry
                ? FieldValue.Mask(reg switch { "eax" => entry.Regs.Eax, "ebx" => entry.Regs.Ebx, "ecx" => entry.Regs.Ecx, _ => entry.Regs.Edx })
                : null;
        }
        if (ProcessPath().Match(path) is { Success: true } p)
        {
            int pid = Number(p.Groups[1]);
            var rest = p.Groups[2].Value;
            if (ThreadPath().Match(rest) is { Success: true } t)
            {
                int tid = Number(t.Groups[1]);
                var field = t.Groups[2].Value;
                Func<ThreadSnapshot, FieldValue>? read = field == "sigaltstack" ? th => FieldValue.Number((long)th.SigaltstackSize)
                    : field.StartsWith("fpstate.", StringComparison.Ordinal) && Fpstate.TryGetValue(field[8..], out var f) ? th => f(th.Fpstate)
                    : null;
                if (read is null) return null;
                return s => s.Snapshot?.Processes.FirstOrDefault(x => x.Pid == pid)?.Threads.FirstOrDefault(x => x.Tid == tid) is { } th ? read(th) : null;
            }
            if (!Process.TryGetValue(rest, out var proc)) return null;
            return s => s.Snapshot?.Processes.FirstOrDefault(x => x.Pid == pid) is { } pr ? proc(pr) : null;
        }
        if (VcpuPath().Match(path) is { Success: true } v)
        {
            int id = Number(v.Groups[1]);
            var rest = v.Groups[2].Value;
            Func<VcpuSnapshot, FieldValue?>? read = rest.StartsWith("fpstate.", StringComparison.Ordinal) && Fpstate.TryGetValue(rest[8..], out var f)
                ? vc => vc.Fpstate is null ? null : f(vc.Fpstate)
                : Vcpu.TryGetValue(rest, out var vf) ? vc => vf(vc) : null;
            if (read is null) return null;
            return s => s.Snapshot?.Vcpus.FirstOrDefault(x => x.Id == id) is { } vc ? read(vc) : null;
        }
        return null;
    }

    private static Reader? BootField(string field) =>
        Boot.TryGetValue(field, out var read) ? s => s.Boot is null ? null : read(s.Boot) : null;

    private static Reader? InstructionField(string path)
    {
        if (Machine.TryGetValue(path, out var read)) return s => s.Machine is null ? null : read(s.Instruction, s.Machine);
        if (path.StartsWith("buffer.", StringComparison.Ordinal) && ImageField(path[7..]) is { } image)
            return s => s.Instruction?.Buffer is { } buf ? image(buf.Bytes.ToArray()) : null;
        if (ComponentPath().Match(path) is { Success: true } c)
        {
            int i = Number(c.Groups[1]);
            return s => s.Machine is { } m && m.HasComponent(i)
                ? FieldValue.Flag(m.Component(i).AsSpan().SequenceEqual(MachineState.InitImage(i, m.Component(i).Length)))
                : null;
        }
        return null;
    }

    private static Func<byte[], FieldValue?>? ImageField(string field)
    {
        if (Image.TryGetValue(field, out var read)) return read;
        if (WordPath().Match(field) is not { Success: true } w) return null;
        int width = Number(w.Groups[1]) / 8, offset = Number(w.Groups[2]);
        return b => Word(b, offset, width);
    }

    private static FieldValue? Word(byte[] b, int offset, int width)
    {
        if (offset < 0 || offset + width > b.Length) return null;
        var s = b.AsSpan(offset, width);
        ulong v = width switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(s),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(s),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(s),
        };
        return FieldValue.Mask(v);
    }

    private static int Number(Group g) =>
        int.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    [GeneratedRegex(@"^p(\d+)\.(.+)$")] private static partial Regex ProcessPath();
    [GeneratedRegex(@"^vcpu(\d+)\.(.+)$")] private static partial Regex VcpuPath();
    [GeneratedRegex(@"^t(\d+)\.(.+)$")] private static partial Regex ThreadPath();
    [GeneratedRegex(@"^cpuid\.(\d+)\.(eax|ebx|ecx|edx)$")] private static partial Regex CpuidPath();
    [GeneratedRegex(@"^u(8|16|32|64)@(\d+)$")] private static partial Regex WordPath();
    [GeneratedRegex(@"^component\.(\d+)\.init$")] private static partial Regex ComponentPath();
    [GeneratedRegex(@"^(value|valid|reasons|size|components|offset\.\d+|size\.\d+)$")] private static partial Regex QueryPath();
}
