using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Running;

/// <summary>How each field path of <see cref="Parsing.FieldPaths"/> is read from an outcome, a snapshot or a machine state.</summary>
internal static partial class Fields
{
    public static FieldValue? Kernel(string path, KernelOutcome? o, KernelSnapshot? snap, BootSummary boot)
    {
        if (path.StartsWith("boot.", StringComparison.Ordinal)) return Boot(path[5..], boot);
        var p = ProcessPath().Match(path);
        if (p.Success) return Process(snap, int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture), p.Groups[2].Value);
        var v = VcpuPath().Match(path);
        if (v.Success) return Vcpu(snap, int.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture), v.Groups[2].Value);
        if (o is null) return null;
        if (path.StartsWith("data.", StringComparison.Ordinal)) return o.Data is null ? null : Image(path[5..], o.Data);
        if (path == "cpuid.count") return o.Cpuid is null ? null : FieldValue.Number(o.Cpuid.Count);
        var c = CpuidPath().Match(path);
        if (c.Success)
        {
            var entry = o.Cpuid?.FirstOrDefault(e => e.Index == uint.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture));
            if (entry is null) return null;
            return FieldValue.Mask(c.Groups[2].Value switch { "eax" => entry.Regs.Eax, "ebx" => entry.Regs.Ebx, "ecx" => entry.Regs.Ecx, _ => entry.Regs.Edx });
        }
        return path switch
        {
            "result" => FieldValue.Result(o.Result),
            "value" => o.Value is { } val ? FieldValue.Mask(val) : null,
            "created" => o.Created is { } cr ? FieldValue.Number(cr) : null,
            "signal" => FieldValue.Name(o.Signal ?? "none"),
            "exits" => o.Exits is null ? null : FieldValue.Names(o.Exits),
            _ => null,
        };
    }

    public static FieldValue? Boot(string field, BootSummary b) => field switch
    {
        "xsave" => FieldValue.Flag(b.Xsave),
        "compacted" => FieldValue.Flag(b.Compacted),
        "disabled_reason" => FieldValue.Name(b.DisabledReason ?? "none"),
        "xcr0" => FieldValue.Mask(b.Xcr0.Bits),
        "xss" => FieldValue.Mask(b.Xss.Bits),
        "guest_features" => FieldValue.Mask(b.GuestFeatures.Bits),
        "guest_size" => FieldValue.Number(b.GuestSize),
        _ when field.StartsWith("kernel.", StringComparison.Ordinal) => Config(field[7..], b.Kernel),
        _ when field.StartsWith("user.", StringComparison.Ordinal) => Config(field[5..], b.User),
        _ => null,
    };

    private static FieldValue? Config(string field, FpuConfigSummary c) => field switch
    {
        "max_features" => FieldValue.Mask(c.MaxFeatures.Bits),
        "default_features" => FieldValue.Mask(c.DefaultFeatures.Bits),
        "independent_features" => FieldValue.Mask(c.IndependentFeatures.Bits),
        "max_size" => FieldValue.Number(c.MaxSize),
        "default_size" => FieldValue.Number(c.DefaultSize),
        _ => null,
    };

    private static FieldValue? Process(KernelSnapshot? snap, int pid, string field)
    {
        var p = snap?.Processes.FirstOrDefault(x => x.Pid == pid);
        if (p is null) return null;
        var t = ThreadPath().Match(field);
        if (t.Success)
        {
            var th = p.Threads.FirstOrDefault(x => x.Tid == int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture));
            if (th is null) return null;
            var rest = t.Groups[2].Value;
            return rest == "sigaltstack" ? FieldValue.Number((long)th.SigaltstackSize) : Fpstate(rest["fpstate.".Length..], th.Fpstate);
        }
        return field switch
        {
            "alive" => FieldValue.Flag(p.Alive),
            "threads" => FieldValue.Number(p.Threads.Count),
            "perm" => FieldValue.Mask(p.Perm.StatePerm.Bits),
            "perm.size" => FieldValue.Number(p.Perm.StateSize),
            "perm.user_size" => FieldValue.Number(p.Perm.UserStateSize),
            "guest_perm" => FieldValue.Mask(p.GuestPerm.StatePerm.Bits),
            "guest_perm.size" => FieldValue.Number(p.GuestPerm.StateSize),
            "guest_perm.user_size" => FieldValue.Number(p.GuestPerm.UserStateSize),
            "guest_perm_locked" => FieldValue.Flag(p.GuestPerm.StatePerm.Contains(63)),
            _ => null,
        };
    }

    private static FieldValue? Vcpu(KernelSnapshot? snap, int id, string field)
    {
        var v = snap?.Vcpus.FirstOrDefault(x => x.Id == id);
        if (v is null) return null;
        if (field.StartsWith("fpstate.", StringComparison.Ordinal)) return v.Fpstate is null ? null : Fpstate(field[8..], v.Fpstate);
        return field switch
        {
            "alive" => FieldValue.Flag(v.Alive),
            "xcr0" => FieldValue.Mask(v.Xcr0.Bits),
            "xss" => FieldValue.Mask(v.Xss.Bits),
            "xfd" => FieldValue.Mask(v.Xfd.Bits),
            "xfd_err" => FieldValue.Mask(v.XfdErr),
            "pkru" => FieldValue.Mask(v.Pkru),
            "guest_supported_xcr0" => FieldValue.Mask(v.GuestSupportedXcr0.Bits),
            "guest_supported_xss" => FieldValue.Mask(v.GuestSupportedXss.Bits),
            "guest_fpu_xfeatures" => FieldValue.Mask(v.GuestFpuXfeatures.Bits),
            "uabi_size" => FieldValue.Number(v.UabiSize),
            "fpu_loaded" => FieldValue.Flag(v.FpuLoaded),
            "has_run" => FieldValue.Flag(v.HasRun),
            _ => null,
        };
    }

    private static FieldValue? Fpstate(string field, FpStateSnapshot f) => field switch
    {
        "size" => FieldValue.Number(f.Size),
        "user_size" => FieldValue.Number(f.UserSize),
        "xfeatures" => FieldValue.Mask(f.Xfeatures.Bits),
        "user_xfeatures" => FieldValue.Mask(f.UserXfeatures.Bits),
        "xfd" => FieldValue.Mask(f.Xfd.Bits),
        "is_guest" => FieldValue.Flag(f.IsGuest),
        "in_use" => FieldValue.Flag(f.InUse),
        "xstate_bv" => FieldValue.Mask(f.XstateBv.Bits),
        "xcomp_bv" => FieldValue.Mask(f.XcompBv.Bits),
        _ => null,
    };

    /// <summary>Fields of an XSAVE image: header words, legacy fields, any little-endian word at an offset.</summary>
    public static FieldValue? Image(string field, ReadOnlySpan<byte> span)
    {
        var b = span.ToArray();
        FieldValue? Word(int offset, int width)
        {
            if (offset + width > b.Length) return null;
            var s = b.AsSpan(offset, width);
            ulong v = width switch { 1 => s[0], 2 => BinaryPrimitives.ReadUInt16LittleEndian(s), 4 => BinaryPrimitives.ReadUInt32LittleEndian(s), _ => BinaryPrimitives.ReadUInt64LittleEndian(s) };
            return FieldValue.Mask(v);
        }
        var w = WordPath().Match(field);
        if (w.Success) return Word(int.Parse(w.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(w.Groups[1].Value, CultureInfo.InvariantCulture) / 8);
        return field switch
        {
            "size" => FieldValue.Number(b.Length),
            "fcw" => Word(0, 2),
            "mxcsr" => Word(24, 4),
            "mxcsr_mask" => Word(28, 4),
            "xstate_bv" => Word(512, 8),
            "xcomp_bv" => Word(520, 8),
            "reserved_zero" => b.Length < 576 ? null : FieldValue.Flag(b.AsSpan(528, 48).IndexOfAnyExcept((byte)0) < 0),
            _ => null,
        };
    }

    public static FieldValue? Instruction(string path, InstructionOutcome? o, MachineState state)
    {
        if (path.StartsWith("buffer.", StringComparison.Ordinal)) return o?.Buffer is { } buf ? Image(path[7..], buf.Bytes.AsSpan()) : null;
        var c = ComponentPath().Match(path);
        if (c.Success)
        {
            int i = int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!state.HasComponent(i)) return null;
            var bytes = state.Component(i);
            return FieldValue.Flag(bytes.AsSpan().SequenceEqual(MachineState.InitImage(i, bytes.Length)));
        }
        return path switch
        {
            "fault" => FieldValue.Name(o?.Fault?.Kind.ToString() ?? "none"),
            "value" => o?.ReturnedValue is { } v ? FieldValue.Mask(v) : null,
            "xcr0" => FieldValue.Mask(state.Xcr0.Bits),
            "xss" => FieldValue.Mask(state.Xss.Bits),
            "xfd" => FieldValue.Mask(state.Xfd.Bits),
            "xfd_err" => FieldValue.Mask(state.XfdErr.Bits),
            "xinuse" => FieldValue.Mask(state.XinUse.Bits),
            "cpl" => FieldValue.Number(state.Cpl),
            "osxsave" => FieldValue.Flag(state.Cr4Osxsave),
            "cr0_ts" => FieldValue.Flag(state.Cr0Ts),
            "mxcsr" => FieldValue.Mask(state.Mxcsr),
            _ => null,
        };
    }

    [GeneratedRegex(@"^p(\d+)\.(.+)$")] private static partial Regex ProcessPath();
    [GeneratedRegex(@"^vcpu(\d+)\.(.+)$")] private static partial Regex VcpuPath();
    [GeneratedRegex(@"^t(\d+)\.(.+)$")] private static partial Regex ThreadPath();
    [GeneratedRegex(@"^cpuid\.(\d+)\.(eax|ebx|ecx|edx)$")] private static partial Regex CpuidPath();
    [GeneratedRegex(@"^u(8|16|32|64)@(\d+)$")] private static partial Regex WordPath();
    [GeneratedRegex(@"^component\.(\d+)\.init$")] private static partial Regex ComponentPath();
}
