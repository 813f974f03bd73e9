using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "kvm": /dev/kvm ioctls on the xstate paths (R75-R91; KO §3, §4b, V1-V9). The probe runs a script of ioctls;
/// the oracle applies the matching KernelOps (kvm_check_extension, kvm_get_supported_cpuid, kvm_create_vcpu,
/// kvm_get/set_xcrs, kvm_get/set_xsave(2), kvm_set_cpuid2, vcpu_init) in the same order. On a non-upstream provider
/// (kvm_pvm) the steps that depend on what it changes are skipped, never compared.
/// </summary>
public static class KvmChecks
{
    public const string Group = "kvm";

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var host = oracle.Host;
        if (host.Kvm == KvmProvider.None)
        {
            yield return KernelCheck.Skip(Group, "KVM", "R75-R91", "no /dev/kvm on this host");
            yield break;
        }
        var kernel = oracle.Boot();
        var (pvm, evidence) = (host.Kvm == KvmProvider.Pvm, host.KvmEvidence);
        if (!pvm && Rewrites(runner, host.Xcr0) is { } behaviour)
            (pvm, evidence) = (true, behaviour);
        var steps = KvmScript.Steps(oracle, kernel).ToList();
        var run = steps.Where(s => !(pvm && s.PvmSensitive)).ToList();
        var probe = runner.Run(Group, run.Select(s => s.Line));
        if (probe.Unavailable is { } why)
        {
            yield return KernelCheck.Skip(Group, "KVM", "R75-R91", $"/dev/kvm does not open: {why}");
            yield break;
        }
        var answers = probe.Lines.Where(l => l.Has("call")).ToList();
        int next = 0;
        foreach (var step in steps)
        {
            if (pvm && step.PvmSensitive)
            {
                yield return KernelCheck.Skip(Group, step.Name, step.Rule, $"non-upstream KVM ({(host.Kvm == KvmProvider.Pvm ? "kvm_pvm" : evidence)}): " + (step.Line.StartsWith("supported_cpuid", StringComparison.Ordinal)
                    ? "the vendor module sets KVM's CPUID.(0xD,1) capabilities and supported_xss (KO §3b: it offers no XSAVEOPT/XSAVEC/XSAVES)"
                    : "KVM_SET_CPUID2 rewrites the guest CPUID leaves 1/7/0xD (KO §3d), so the guest's supported XCR0 is not the one set"));
                continue;
            }
            var expected = step.Expected(kernel);
            var line = next < answers.Count && answers[next].Str("call") == step.Line ? answers[next++] : null;
            yield return line is null
                ? KernelCheck.Skip(Group, step.Name, step.Rule, probe.Failure ?? "the probe did not report this step", expected)
                : KernelCheck.Compare(Group, step.Name, step.Rule, expected, step.Observed(line));
        }
    }

    /// <summary>
    /// Behavioural detection of a provider that rewrites the guest CPUID (KO §3d): KVM_SET_CPUID2 with
    /// CPUID.(0xD,0).EAX = FP|SSE must read back unchanged from KVM_GET_CPUID2 on upstream KVM (EAX is not a runtime
    /// field, R77). Null when it reads back unchanged or the probe cannot tell.
    /// </summary>
    private static string? Rewrites(ProbeRunner runner, FeatureMask xcr0)
    {
        var probe = runner.Run(Group, ["vm", "vcpu", "cpuid_readback 0x3"]);
        var line = probe.First("cpuid_readback");
        if (line is null || line.Int("rc") != 0 || line.Hex("eax") is not { } eax) return null;
        return eax == 0x3 ? null : $"KVM_SET_CPUID2 with CPUID.(0xD,0).EAX 0x3 reads back 0x{eax:x} (the provider rewrites the guest CPUID)";
    }
}
