using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// docs/findings.md F13 (R78, R79), the mistake both models shared before stop 14: every KVM_SET_CPUID2 entry taken as
/// index-significant, so leaf 1 and 0x80000008 are found only at index 0. The kernel keeps userspace's flags, and
/// those leaves are not indexed: an entry at index 1 is what kvm_check_cpuid's width check and the guest-capability
/// lookups find. Put back: entries of those leaves at another index are invisible to the checks and lookups (the
/// inner kernel is given the table without them), while KVM_GET_CPUID2 still returns the table as it was set.
/// </summary>
public sealed class CpuidNonIndexedLeavesByIndex(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:f13-cpuid-leaves-found-by-index";
    public override string Description => "R78/R79: KVM finds CPUID leaf 1 and 0x80000008 only at index 0 (every KVM_SET_CPUID2 entry index-significant)";
    public override string Source => "kvm_find_cpuid_entry uses KVM_CPUID_INDEX_NOT_SIGNIFICANT and kvm_vcpu_ioctl_set_cpuid2 keeps userspace's flags (arch/x86/kvm/cpuid.c); both models' shared mistake until docs/findings.md F13";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => new Broken(Inner.Boot(cpu, config));

    private sealed class Broken(IKernel inner) : KernelDecorator(inner)
    {
        // The table each vCPU was last given, where it had entries the inner kernel did not see.
        private readonly Dictionary<int, IReadOnlyList<CpuidEntry>> _asSet = [];

        private static bool Hidden(CpuidEntry e) => e.Function is 1 or 0x8000_0008 && e.Index != 0;

        public override KernelOutcome Apply(KernelOp op)
        {
            switch (op)
            {
                case SetCpuid2Op set when set.Entries.Any(Hidden):
                {
                    var outcome = Inner.Apply(set with { Entries = set.Entries.Where(e => !Hidden(e)).ToList() });
                    if (outcome.Result == 0) _asSet[set.Vcpu] = set.Entries;
                    return outcome;
                }
                case SetCpuid2Op set:
                {
                    var outcome = Inner.Apply(op);
                    if (outcome.Result == 0) _asSet.Remove(set.Vcpu);
                    return outcome;
                }
                case GetCpuid2Op get when _asSet.TryGetValue(get.Vcpu, out var table):
                {
                    // KVM_GET_CPUID2 copies the whole stored table (-E2BIG without room for it), runtime fix-ups applied.
                    if (get.Nent < table.Count) return new KernelOutcome(-(long)Errno.E2BIG);
                    var seen = Inner.Apply(get with { Nent = Uapi.KvmMaxCpuidEntries });
                    if (seen is not { Result: 0, Cpuid: { } updated }) return seen;
                    var whole = new List<CpuidEntry>(table.Count);
                    int next = 0;
                    foreach (var e in table) whole.Add(Hidden(e) ? e : updated[next++]);
                    return seen with { Cpuid = whole };
                }
                default:
                    return Inner.Apply(op);
            }
        }
    }
}
