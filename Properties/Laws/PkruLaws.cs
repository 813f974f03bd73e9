using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using static Xsave.Properties.Laws.KernelInvariantLaws;

namespace Xsave.Properties.Laws;

/// <summary>PKRU over a task's life (SPEC R61a), checked on the implementation alone after random sequences.</summary>
public static class PkruLaws
{
    private const int Pkru = (int)XFeature.Pkru;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Invariant("kernel.pkru.exec-default", ["R61a", "R61"], ContractPart.LinuxProcess, kvm: true,
            "With OSPKE (PKRU in the kernel's XCR0), a task started by execve — process 1 at boot and every exec — holds init_pkru_value, so its saved state has XSTATE_BV[PKRU] = 1; without OSPKE it has no PKRU.",
            (ctx, s, t) =>
            {
                bool ospke = t.Boot.Xsave && t.Boot.Xcr0.Contains(Pkru);
                string? Check(KernelSnapshot snap, int pid, string when)
                {
                    var fps = snap.Processes[pid - 1].Threads[0].Fpstate;
                    return fps.XstateBv.Contains(Pkru) == ospke ? null
                        : $"p{pid}.t0 {when}: XSTATE_BV {fps.XstateBv} {(ospke ? "lacks" : "has")} PKRU (OSPKE {ospke})";
                }
                if (t.Initial is { } initial && Check(initial, 1, "at boot") is { } atBoot) return Laws.Check.That(false, atBoot);
                return Each(t.Transitions(), tr => tr.Op is ExecOp e && tr.Step.Outcome?.Result == 0 ? Check(tr.After, e.Pid, "after execve") : null);
            },
            // Vacuous: the boot state is always checked: only a failed boot is vacuous.
            Events(0.1, RunEvents.Ospke, RunEvents.NoOspke, RunEvents.ExecOspke), vacuousWithoutAny: false,
            inputs: ctx => Generators.ScenarioGen.Arbitrary(ctx, Generators.ScenarioGen.EndingIn(ctx, kvm: true, Generators.ScenarioGen.ExecTail)));
    }
}
