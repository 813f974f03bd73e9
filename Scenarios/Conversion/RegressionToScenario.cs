using System.Globalization;
using System.Text;
using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Gate.Regressions;
using Xsave.Properties.Generators;

namespace Xsave.Scenarios.Conversion;

/// <summary>
/// Turns a regression file the gate wrote for a kernel law (its input is a KernelScenario: cpu, config, ops) into a
/// scenario file: the same CPU (a corpus id when the corpus holds the very same registers, else the inline model),
/// the same configuration, every operation as a step with its arguments (images as size + non-zero words, so nothing is
/// lost), the law's failure as a comment, and an invariant checkpoint at the end. The oracle/implementation agreement
/// that every scenario run checks is what the law compared; the checkpoint re-runs the invariant laws.
/// </summary>
public static class RegressionToScenario
{
    public static bool TryConvert(RegressionRecord record, string fileName, Func<string, CpuModel?> corpusCpu, out string? yaml, out string? error)
    {
        yaml = null;
        using var doc = JsonDocument.Parse(record.Input.ToJsonString());
        if (!KernelScenarioCodec.Instance.TryDecode(doc.RootElement, out var scenario, out error))
        {
            error = $"{fileName}: property '{record.Property}' does not store a kernel scenario ({error}); only kernel-law regressions convert";
            return false;
        }
        yaml = Write(scenario!, record, fileName, corpusCpu);
        return true;
    }

    public static string Write(KernelScenario s, RegressionRecord? record, string fileName, Func<string, CpuModel?> corpusCpu)
    {
        var sb = new StringBuilder();
        sb.Append("# source: regression file ").Append(fileName);
        if (record is not null)
        {
            sb.Append(" (property ").Append(record.Property);
            if (record.Implementation is not null) sb.Append(", found in ").Append(record.Implementation);
            if (record.Rules.Count > 0) sb.Append(", rules ").Append(string.Join(" ", record.Rules));
            sb.Append(')');
        }
        sb.Append('\n');
        if (record?.Failure is { } failure)
            foreach (var line in failure.Split('\n').Where(l => l.Trim().Length > 0).Take(6))
                sb.Append("# failure: ").Append(line.TrimEnd()).Append('\n');
        sb.Append('\n');

        string origin = s.Cpu.ToString();
        string? id = origin.StartsWith("corpus:", StringComparison.Ordinal) ? origin["corpus:".Length..] : null;
        if (id is not null && corpusCpu(id) is { } known && SameRegisters(known, s.Cpu.Cpu))
            sb.Append("cpu: ").Append(id).Append('\n');
        else
            sb.Append("cpu: ").Append(InputCodecs.EncodeCpu(new CpuCase(s.Cpu.Cpu, null)).ToJsonString()).Append('\n');

        sb.Append("config: {policy: ").Append(s.Config.Policy switch { CetSupervisorPolicy.AllTasks => "all_tasks", var p => p.ToString().ToLowerInvariant() });
        var d = KernelConfig.Default;
        if (s.Config.Is64Bit != d.Is64Bit) sb.Append(", is64bit: ").Append(Bool(s.Config.Is64Bit));
        if (s.Config.ProtectionKeys != d.ProtectionKeys) sb.Append(", protection_keys: ").Append(Bool(s.Config.ProtectionKeys));
        if (s.Config.NoXsave != d.NoXsave) sb.Append(", noxsave: ").Append(Bool(s.Config.NoXsave));
        if (s.Config.AmdZenXsavesErratum != d.AmdZenXsavesErratum) sb.Append(", amd_zen_xsaves_erratum: ").Append(Bool(s.Config.AmdZenXsavesErratum));
        if (s.Config.Ia32Emulation != d.Ia32Emulation) sb.Append(", ia32_emulation: ").Append(Bool(s.Config.Ia32Emulation));
        if (s.Config.StrictSigaltstackSize != d.StrictSigaltstackSize) sb.Append(", strict_sigaltstack_size: ").Append(Bool(s.Config.StrictSigaltstackSize));
        sb.Append("}\n\nsteps:\n");
        foreach (var op in s.Ops)
        {
            sb.Append("  - ").Append(Step(op)).Append('\n');
            sb.Append("    note: \"").Append(OpText.Describe(op).Replace("\"", "'", StringComparison.Ordinal)).Append("\"\n");
        }
        sb.Append("  - check: invariants\n");
        return sb.ToString();
    }

    private static bool SameRegisters(CpuModel a, CpuModel b) =>
        Xsave.Contract.Serialization.CpuModelJson.Write(a).ToJsonString() == Xsave.Contract.Serialization.CpuModelJson.Write(b).ToJsonString();

    private static string Bool(bool b) => b ? "true" : "false";
    private static string H(ulong v) => $"0x{v:x}";
    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One operation as a step line, in the scenario syntax the parser reads back.</summary>
    public static string Step(KernelOp op) => op switch
    {
        ArchPrctlOp o => $"arch_prctl: {{pid: {o.Pid}, option: {Option(o.Option)}, arg: {o.Arg}{(o.BadPointer ? ", bad_pointer: true" : "")}}}",
        SigaltstackOp o => $"sigaltstack: {{pid: {o.Pid}, tid: {o.Tid}, size: {o.Size}}}",
        SpawnThreadOp o => $"clone_thread: {{pid: {o.Pid}}}",
        ForkOp o => $"fork: {{pid: {o.Pid}}}",
        ExecOp o => $"exec: {{pid: {o.Pid}}}",
        XfdFaultOp o => $"xfd_nm: {{pid: {o.Pid}, tid: {o.Tid}, xfd_err: {H(o.XfdErr.Bits)}}}",
        PtraceGetXstateOp o => $"ptrace_getregset: {{pid: {o.Pid}, tid: {o.Tid}, iov_len: {o.IovLen}}}",
        PtraceSetXstateOp o => $"ptrace_setregset: {{pid: {o.Pid}, tid: {o.Tid}, image: {Image(o.Data)}}}",
        KvmCheckExtensionOp o => $"kvm_check_extension: {{pid: {o.Pid}, capability: {Capability(o.Capability)}}}",
        KvmGetSupportedCpuidOp o => $"kvm_get_supported_cpuid: {{pid: {o.Pid}}}",
        VcpuCreateOp o => $"kvm_create_vcpu: {{pid: {o.Pid}}}",
        VcpuDestroyOp o => $"kvm_destroy_vcpu: {{vcpu: {o.Vcpu}}}",
        SetCpuid2Op o => $"kvm_set_cpuid2: {{vcpu: {o.Vcpu}, entries: [{string.Join(", ", o.Entries.Select(e => $"{{function: {H(e.Function)}, index: {e.Index}, eax: {H(e.Regs.Eax)}, ebx: {H(e.Regs.Ebx)}, ecx: {H(e.Regs.Ecx)}, edx: {H(e.Regs.Edx)}}}"))}]}}",
        GetXcrsOp o => $"kvm_get_xcrs: {{vcpu: {o.Vcpu}}}",
        SetXcrsOp o => $"kvm_set_xcrs: {{vcpu: {o.Vcpu}, flags: {o.Flags}, xcrs: [{string.Join(", ", o.Xcrs.Select(x => $"{{xcr: {x.Xcr}, value: {H(x.Value)}}}"))}]}}",
        SetMsrOp o => $"set_msr: {{vcpu: {o.Vcpu}, msr: {Msr(o.Msr)}, value: {H(o.Value)}}}",
        GetMsrOp o => $"get_msr: {{vcpu: {o.Vcpu}, msr: {Msr(o.Msr)}}}",
        KvmRunOp o => $"kvm_run: {{vcpu: {o.Vcpu}, exits: [{string.Join(", ", o.Exits.Select(Event))}]}}",
        GetXsaveOp o => $"kvm_get_xsave: {{vcpu: {o.Vcpu}}}",
        GetXsave2Op o => $"kvm_get_xsave2: {{vcpu: {o.Vcpu}, size: {o.Size}}}",
        SetXsaveOp o => $"kvm_set_xsave: {{vcpu: {o.Vcpu}, image: {Image(o.Image)}}}",
        VcpuInitOp o => $"vcpu_init: {{vcpu: {o.Vcpu}}}",
        _ => throw new NotSupportedException($"no scenario syntax for {op.GetType().Name}"),
    };

    private static string Event(GuestEvent e) => e switch
    {
        GuestXsetbv x => $"{{xsetbv: {{cpl: {x.Cpl}, ecx: {x.Ecx}, value: {H(x.Value)}}}}}",
        GuestWrmsr w => $"{{wrmsr: {{msr: {Msr(w.Msr)}, value: {H(w.Value)}}}}}",
        GuestRdmsr r => $"{{rdmsr: {{msr: {Msr(r.Msr)}}}}}",
        GuestWritePkru p => $"{{wrpkru: {{value: {H(p.Value)}}}}}",
        HostKernelFpuUse => "kernel_fpu_begin",
        InitWhileRunning => "init",
        _ => throw new NotSupportedException($"no scenario syntax for {e.GetType().Name}"),
    };

    /// <summary>An image as its size and every non-zero 64-bit word (lossless); header words by name.</summary>
    public static string Image(byte[] b)
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
            if (off == 512) parts.Add($"xstate_bv: {H(v)}");
            else if (off == 520) parts.Add($"xcomp_bv: {H(v)}");
            else if (off + 8 > b.Length)
                for (int i = off; i < b.Length; i++) { if (b[i] != 0) tail.Add($"{N(i)}: {H(b[i])}"); }
            else words.Add($"{N(off)}: {H(v)}");
        }
        if (words.Count > 0) parts.Add($"u64: {{{string.Join(", ", words)}}}");
        if (tail.Count > 0) parts.Add($"u8: {{{string.Join(", ", tail)}}}");
        return "{" + string.Join(", ", parts) + "}";
    }

    private static string Option(int option) =>
        Parsing.Symbols.ArchPrctlOptions.FirstOrDefault(kv => kv.Value == option).Key ?? $"0x{option:x}";

    private static string Capability(int cap) =>
        Parsing.Symbols.KvmCaps.FirstOrDefault(kv => kv.Value == cap).Key ?? N(cap);

    private static string Msr(uint msr) =>
        Parsing.Symbols.Msrs.FirstOrDefault(kv => kv.Value == msr).Key ?? H(msr);
}
