using System.Globalization;
using System.Text;
using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
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
        if (s.Config.CpuidSetRefreshesCurrent != d.CpuidSetRefreshesCurrent) sb.Append(", cpuid_set_refreshes_current: ").Append(Bool(s.Config.CpuidSetRefreshesCurrent));
        if (s.Config.NoXsaveopt != d.NoXsaveopt) sb.Append(", noxsaveopt: ").Append(Bool(s.Config.NoXsaveopt));
        if (s.Config.NoXsaves != d.NoXsaves) sb.Append(", noxsaves: ").Append(Bool(s.Config.NoXsaves));
        if (s.Config.ClearCpuid != d.ClearCpuid) sb.Append(", clearcpuid: \"").Append(CpuidFlagNames.Format(s.Config.ClearCpuid)).Append('"');
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

    /// <summary>One operation as a step line, in the scenario syntax the parser reads back (from its descriptor).</summary>
    public static string Step(KernelOp op) => Parsing.ArgSyntax.WriteOp((OpDescriptor)KernelOps.For(op), op);

    /// <summary>An image as its size and every non-zero 64-bit word (lossless); header words by name.</summary>
    public static string Image(byte[] b) => Parsing.ArgSyntax.WriteImage(b);
}
