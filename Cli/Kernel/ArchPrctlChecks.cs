using Xsave.Contract.Linux;
using static Xsave.Contract.Linux.Uapi.ArchPrctl;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "arch_prctl": the XCOMP options (R63, R64; KO §2, K1-K5). The probe makes each call in order in one process;
/// the oracle applies the same <see cref="ArchPrctlOp"/>s in the same order to process 1 of a freshly booted kernel.
/// </summary>
public static class ArchPrctlChecks
{
    public const string Group = "arch_prctl";

    /// <summary>Stands for "a valid user pointer" on the oracle side (the probe substitutes its own variable).</summary>
    private const ulong ValidPointer = 0x7fff_0000_1000;

    private sealed record Call(string Name, int Option, ulong Arg, ulong? BadPointer)
    {
        public string Line => $"0x{Option:x} 0x{Arg:x}" + (BadPointer is { } p ? $" bad=0x{p:x}" : "");
    }

    private static IReadOnlyList<Call> Calls()
    {
        var calls = new List<Call>();
        foreach (var (name, get) in new[] { ("ARCH_GET_XCOMP_SUPP", GetXcompSupp), ("ARCH_GET_XCOMP_PERM", GetXcompPerm), ("ARCH_GET_XCOMP_GUEST_PERM", GetXcompGuestPerm) })
        {
            // The probe passes its own u64's address for a valid call; the oracle needs only a non-zero valid one.
            calls.Add(new(name, get, ValidPointer, null));
            calls.Add(new($"{name} (NULL pointer)", get, 0, 0));
            calls.Add(new($"{name} (pointer 0x1)", get, 1, 1));
        }
        foreach (var (name, req) in new[] { ("ARCH_REQ_XCOMP_PERM", ReqXcompPerm), ("ARCH_REQ_XCOMP_GUEST_PERM", ReqXcompGuestPerm) })
        {
            for (ulong idx = 0; idx < 64; idx++) calls.Add(new($"{name}({idx})", req, idx, null));
            calls.Add(new($"{name}(1<<40)", req, 1UL << 40, null));
            calls.Add(new($"{name}(~0)", req, ulong.MaxValue, null));
        }
        // The GETs again: a refused request must not have changed the permissions.
        calls.Add(new("ARCH_GET_XCOMP_PERM after the requests", GetXcompPerm, ValidPointer, null));
        calls.Add(new("ARCH_GET_XCOMP_GUEST_PERM after the requests", GetXcompGuestPerm, ValidPointer, null));
        return calls;
    }

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var calls = Calls();
        var probe = runner.Run(Group, calls.Select(c => c.Line));
        // One answer line per call, in order (calls repeat, so they are matched by position).
        var observed = probe.Named("arch_prctl").ToList();
        var kernel = oracle.Boot();
        for (int i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            var outcome = kernel.Apply(new ArchPrctlOp(1, call.Option, call.Arg, BadPointer: call.BadPointer is not null));
            string rule = IsGet(call.Option) ? (call.BadPointer is null ? "R64 (K1)" : "R64 (K2)") : "R63, R64 (K3-K5)";
            var line = i < observed.Count && observed[i].Str("call") == call.Line ? observed[i] : null;
            if (line is null)
            {
                yield return KernelCheck.Skip(Group, call.Name, rule, probe.Failure ?? "the probe did not report this call", Describe(outcome.Result, outcome.Value));
                continue;
            }
            var rc = line.Int("rc") ?? long.MinValue;
            yield return KernelCheck.Compare(Group, call.Name, rule, Describe(outcome.Result, outcome.Value), Describe(rc, rc == 0 ? line.Hex("value") : null));
        }
    }

    private static string Describe(long rc, ulong? value) =>
        KernelCheck.Rc(rc) + (value is { } v && rc == 0 ? $", value 0x{v:x}" : "");
}
