using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Contract.Linux.Operations;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// Invariants the kernel relies on (SPEC part D), checked on the implementation alone after every step of random
/// sequences. Expected sizes come from the reference's layout rules (R14, R15), never from the implementation.
/// </summary>
public static class KernelInvariantLaws
{
    private const ulong Bit63 = 1UL << 63;
    private const int CetKernel = 12, XtileData = 18;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return Invariant("kernel.host-fpstate.no-guest-supervisor", ["I8", "R39", "R51", "R53"], ContractPart.LinuxProcess, kvm: true,
            "Under the merged design, no task (host) fpstate ever carries CET_KERNEL in xfeatures, XCOMP_BV or XSTATE_BV.",
            (ctx, s, t) => t.Config.Policy == CetSupervisorPolicy.AllTasks ? null : EachAll(t.States(), snap =>
                snap.Processes.SelectMany(p => p.Threads.Select(th => (p.Pid, th))).Select(x =>
                    x.th.Fpstate.Xfeatures.Contains(CetKernel) || x.th.Fpstate.XcompBv.Contains(CetKernel) || x.th.Fpstate.XstateBv.Contains(CetKernel)
                        ? $"p{x.Pid}.t{x.th.Tid} fpstate carries CET_KERNEL: xfeatures={x.th.Fpstate.Xfeatures} xcomp_bv={x.th.Fpstate.XcompBv} xstate_bv={x.th.Fpstate.XstateBv}"
                        : null)),
            // Vacuous: CET_KERNEL exists on some CPUs only, and the law asks nothing under the all-tasks policy; measured at most 58%.
            Events(0.7, RunEvents.CetKernelMerged, RunEvents.VcpuWithCetKernel));

        yield return Invariant("kernel.perm.only-grows", ["I10", "R65", "R67", "H1"], ContractPart.LinuxProcess, kvm: true,
            "Host and guest permissions only grow (all 64 bits: supervisor bits and LOCKED included), except that exec resets them.",
            (ctx, s, t) => EachAll(t.Transitions(), tr => tr.Before.Processes.Zip(tr.After.Processes).Select(p =>
                tr.Op is ExecOp e && e.Pid == p.First.Pid ? null
                : !p.First.Perm.StatePerm.IsSubsetOf(p.Second.Perm.StatePerm) ? $"p{p.First.Pid} perm {p.First.Perm.StatePerm} -> {p.Second.Perm.StatePerm} after {OpText.Describe(tr.Op)}"
                : !p.First.GuestPerm.StatePerm.IsSubsetOf(p.Second.GuestPerm.StatePerm) ? $"p{p.First.Pid} guest perm {p.First.GuestPerm.StatePerm} -> {p.Second.GuestPerm.StatePerm} after {OpText.Describe(tr.Op)}"
                : null)),
            // Vacuous: a grant needs an AMX CPU and a request; measured at most 63% without a grant or an exec.
            Events(0.75, RunEvents.PermGranted, RunEvents.GuestPermGranted, RunEvents.Exec));

        yield return Invariant("kernel.perm.sizes-match-features", ["I10", "R62", "R67", "H2"], ContractPart.LinuxProcess, kvm: true,
            "__state_size is the kernel-format size of the permitted features (LOCKED excluded) and __user_state_size the standard size of their user part.",
            (ctx, s, t) => !t.Boot.Xsave ? null : EachAll(t.States(), snap => snap.Processes.SelectMany(p => new[] { ("perm", p.Pid, p.Perm), ("guest perm", p.Pid, p.GuestPerm) }).Select(x =>
            {
                var arch = ctx.Reference.Architecture(s.Cpu.Cpu);
                var features = x.Item3.StatePerm.Without(63);
                uint kernel = (uint)(t.Boot.Compacted ? arch.CompactedSize(features) : arch.StandardSize(features));
                uint user = (uint)arch.StandardSize(UserPart(s.Cpu.Cpu, features));
                return x.Item3.StateSize != kernel || x.Item3.UserStateSize != user
                    ? $"p{x.Item2} {x.Item1} {x.Item3.StatePerm}: sizes {x.Item3.StateSize}/{x.Item3.UserStateSize}, expected {kernel}/{user}"
                    : null;
            })),
            // Vacuous: without a grant only the boot's default sizes are checked; measured at most 73%.
            Events(0.85, RunEvents.PermGranted, RunEvents.GuestPermGranted));

        yield return Invariant("kernel.get-perm.hides-supervisor", ["I10", "R64"], ContractPart.LinuxProcess, kvm: true,
            "ARCH_GET_XCOMP_SUPP/PERM/GUEST_PERM never report supervisor bits or bit 63.",
            (ctx, s, t) => Each(t.Steps, step => step.Op is ArchPrctlOp { Option: Uapi.ArchPrctl.GetXcompSupp or Uapi.ArchPrctl.GetXcompPerm or Uapi.ArchPrctl.GetXcompGuestPerm } && step.Outcome?.Value is { } v &&
                ((v & Bit63) != 0 || new FeatureMask(v).Overlaps(s.Cpu.Cpu.SupportedXss))
                    ? $"step {step.Index} {OpText.Describe(step.Op)} reported 0x{v:x}" : null),
            // Vacuous: half the sequences end in the three GETs; measured at most 79% before they did.
            Events(0.6, RunEvents.GetPermAnswered),
            inputs: ctx => ScenarioGen.Arbitrary(ctx, ScenarioGen.EndingIn(ctx, kvm: true, ScenarioGen.GetPermTail)));

        yield return Invariant("kernel.perm.request-errors", ["I11", "R64", "R65"], ContractPart.LinuxProcess, kvm: true,
            "ARCH_REQ_XCOMP_(GUEST_)PERM: index ≥ 20 → -EINVAL; any other index but 18 → -EOPNOTSUPP (even when permitted); a 32-bit kernel → -EOPNOTSUPP.",
            (ctx, s, t) => Each(t.Steps, step =>
            {
                if (step.Op is not ArchPrctlOp { Option: Uapi.ArchPrctl.ReqXcompPerm or Uapi.ArchPrctl.ReqXcompGuestPerm } op || step.Outcome is null) return null;
                if (step.Outcome.Result == -(long)Errno.ESRCH) return null; // the process has exited: nothing of it asks
                long expected = !t.Config.Is64Bit ? -(long)Errno.EOPNOTSUPP : op.Arg >= 20 ? -(long)Errno.EINVAL : op.Arg != 18 ? -(long)Errno.EOPNOTSUPP : long.MinValue;
                return expected != long.MinValue && step.Outcome.Result != expected
                    ? $"step {step.Index} {OpText.Describe(op)} returned {step.Outcome.Result}, expected {expected}" : null;
            }),
            // Vacuous: sequences without a refused request check nothing; measured at most 49%.
            Events(0.6, RunEvents.PermEinval, RunEvents.PermEopnotsupp));

        yield return Invariant("kernel.fpstate.consistent", ["I7", "R49", "R51", "R52", "R53", "R57", "H3"], ContractPart.LinuxProcess, kvm: true,
            "Every fpstate is at least as large as its features need (both formats); its header is XCOMP_BV = xfeatures|bit63 (compacted) or 0, XSTATE_BV ⊆ xfeatures; user_xfeatures ⊆ xfeatures' user part.",
            (ctx, s, t) => !t.Boot.Xsave ? null : EachAll(t.States(), snap => AllFpstates(snap).Select(x =>
            {
                var f = x.Fps;
                var arch = ctx.Reference.Architecture(s.Cpu.Cpu);
                int need = t.Boot.Compacted ? arch.CompactedSize(f.Xfeatures) : arch.StandardSize(f.Xfeatures);
                var header = t.Boot.Compacted ? f.Xfeatures.With(63) : FeatureMask.None;
                if (f.Size < need) return $"{x.Where} size {f.Size} < {need} needed for {f.Xfeatures}";
                if (f.UserSize < arch.StandardSize(f.UserXfeatures)) return $"{x.Where} user_size {f.UserSize} < standard size of {f.UserXfeatures}";
                if (f.XcompBv != header) return $"{x.Where} XCOMP_BV {f.XcompBv} != {header}";
                if (t.Boot.Compacted && !f.XstateBv.IsSubsetOf(f.Xfeatures)) return $"{x.Where} XSTATE_BV {f.XstateBv} ⊄ xfeatures {f.Xfeatures}";
                if (!f.UserXfeatures.IsSubsetOf(UserPart(s.Cpu.Cpu, f.Xfeatures))) return $"{x.Where} user_xfeatures {f.UserXfeatures} ⊄ user part of {f.Xfeatures}";
                if (!f.IsGuest && f.Xfd.Overlaps(f.UserXfeatures)) return $"{x.Where} host xfd {f.Xfd} overlaps user_xfeatures {f.UserXfeatures}";
                return null;
            })),
            // Vacuous: every state is checked: only a failed boot is vacuous.
            Events(0.1, RunEvents.CompactedBoot, RunEvents.StandardBoot, RunEvents.AmxFirstUse, RunEvents.VcpuCreated), vacuousWithoutAny: false);

        yield return Invariant("kernel.guest-fpu.container-matches", ["I9", "R55", "R57", "H4", "H5"], ContractPart.Kvm, kvm: true,
            "A live vCPU's guest FPU container lists exactly its fpstate's features, and its uABI size is at least 4096.",
            (ctx, s, t) => EachAll(t.States(), snap => snap.Vcpus.Where(v => v.Alive && v.Fpstate is not null).Select(v =>
                v.GuestFpuXfeatures != v.Fpstate!.Xfeatures ? $"vcpu{v.Id} container {v.GuestFpuXfeatures} != fpstate {v.Fpstate.Xfeatures}"
                : v.UabiSize < Uapi.KvmXsaveSize ? $"vcpu{v.Id} uabi_size {v.UabiSize} < {Uapi.KvmXsaveSize}" : null)),
            // Vacuous: sequences without a vCPU; measured at most 18%.
            Events(0.3, RunEvents.VcpuCreated, RunEvents.GuestPermGranted));

        yield return Invariant("kernel.uabi.no-supervisor-state", ["R68", "R70", "R71", "R89", "I13", "H16"], ContractPart.Uabi, kvm: true,
            "Every UABI image the kernel hands out (ptrace, KVM_GET_XSAVE(2)) has user bits only in XSTATE_BV, XCOMP_BV = 0 and a zero reserved header.",
            (ctx, s, t) => Each(t.Steps, step =>
            {
                if (step.Op is not (PtraceGetXstateOp or GetXsaveOp or GetXsave2Op) || step.Outcome?.Data is not { Length: >= XsaveImage.MinimumSize } d) return null;
                var header = XsaveImage.Read(d);
                var bv = new FeatureMask(header.XstateBv ?? 0);
                if (bv.Overlaps(s.Cpu.Cpu.SupportedXss) || bv.Contains(XFeatures.CompactedFormatBit)) return $"step {step.Index} {OpText.Describe(step.Op)}: XSTATE_BV {bv} has supervisor bits";
                if (header.XcompBv is not (0 or null)) return $"step {step.Index}: XCOMP_BV != 0";
                return header.ReservedIsZero == false ? $"step {step.Index}: reserved header bytes != 0" : null;
            }),
            // Vacuous: sequences that hand out no image; measured at most 59%.
            Events(0.7, RunEvents.PtraceGet, RunEvents.GetXsaveAnswered, RunEvents.GetXsave2Answered));

        yield return Invariant("kernel.xfd.non-resident-guest", ["I15", "R87", "R89", "H6", "H25"], ContractPart.Kvm, kvm: true,
            "After KVM_SET_XSAVE, and after a KVM_RUN in which the guest wrote IA32_XFD, the guest fpstate has no XSTATE_BV bit that its XFD disables (I15 as narrowed with R87).",
            (ctx, s, t) => Each(t.Transitions(), tr =>
            {
                // I15 (narrowed) covers these two paths only. After a host-initiated KVM_SET_MSRS(XFD) it may not hold:
                // fpu_update_guest_xfd masks XSTATE_BV only under the caller's TIF_NEED_FPU_LOAD (R87, H25), and what
                // follows is the thread's death in the next KVM_RUN (kernel.xfd.host-write-only-death).
                int? vcpu = tr.Op switch
                {
                    SetXsaveOp x when tr.Step.Outcome?.Result == 0 => x.Vcpu,
                    KvmRunOp r when r.Exits.Any(e => e is GuestWrmsr { Msr: Uapi.Msr.Ia32Xfd }) => r.Vcpu,
                    _ => null,
                };
                if (vcpu is not int id || tr.After.Vcpus[id] is not { Alive: true, Fpstate: { } f }) return null;
                return f.XstateBv.Overlaps(f.Xfd) ? $"vcpu{id} after {OpText.Describe(tr.Op)}: XSTATE_BV {f.XstateBv} ∩ XFD {f.Xfd} ≠ ∅" : null;
            }),
            // Vacuous: the two paths I15 covers need a vCPU and a SET_XSAVE or guest XFD write; measured at most 76%.
            Events(0.85, RunEvents.SetXsaveAccepted, RunEvents.SetXsaveWithXfd, RunEvents.GuestXfdWrite));

        yield return Invariant("kernel.vcpu.reset-state", ["I19", "R85", "R90", "H9"], ContractPart.Kvm, kvm: true,
            "A new vCPU comes out of RESET with XCR0 = x87 and IA32_XSS = 0.",
            (ctx, s, t) => Each(t.Transitions(), tr => tr.Op is VcpuCreateOp && tr.Step.Outcome?.Created is int id
                ? tr.After.Vcpus[id] is { Xcr0.Bits: 1, Xss.Bits: 0 } ? null : $"vcpu{id} after creation: XCR0 {tr.After.Vcpus[id].Xcr0}, XSS {tr.After.Vcpus[id].Xss}"
                : null),
            // Vacuous: sequences without a vCPU; measured at most 19%.
            Events(0.3, RunEvents.VcpuCreated));

        yield return Invariant("kernel.vcpu.init-keeps-registers", ["I19", "R91", "H7", "H8"], ContractPart.Kvm, kvm: true,
            "INIT leaves XCR0, IA32_XSS, XFD, PKRU and the fpstate's features as they were.",
            (ctx, s, t) => Each(t.Transitions(), tr =>
            {
                if (tr.Op is not VcpuInitOp init || tr.Step.Outcome is null) return null;
                var a = tr.Before.Vcpus[init.Vcpu];
                var b = tr.After.Vcpus[init.Vcpu];
                return a.Xcr0 != b.Xcr0 || a.Xss != b.Xss || a.Xfd != b.Xfd || a.Pkru != b.Pkru || a.Fpstate?.Xfeatures != b.Fpstate?.Xfeatures
                    ? $"INIT on vcpu{init.Vcpu} changed {SnapshotDiff.Fields(a, b)}" : null;
            }),
            // Vacuous: half the sequences end in an INIT when a vCPU lives; measured at most 64%.
            Events(0.75, RunEvents.VcpuInit, RunEvents.VcpuInitNonDefault),
            inputs: ctx => ScenarioGen.Arbitrary(ctx, ScenarioGen.EndingIn(ctx, kvm: true, ScenarioGen.InitTail)));

        yield return Invariant("kernel.fpu.load-put-balanced", ["I20", "R86", "H7"], ContractPart.Kvm, kvm: true,
            "Between ioctls no guest FPU is loaded, and no operation trips KVM_BUG (double load or put) — except on a vCPU whose thread died in KVM_RUN (R87, H25), which never put its FPU back.",
            (ctx, s, t) =>
            {
                var died = new HashSet<int>();
                return Each(t.Steps, step =>
                {
                    if (step.Op is KvmRunOp { Vcpu: var id } && (step.Outcome?.Signal == KernelSignal.ThreadDied || died.Contains(id))) { died.Add(id); return null; }
                    return step.Outcome?.Signal == KernelSignal.KvmBug ? $"step {step.Index} {OpText.Describe(step.Op)} hit KVM_BUG"
                        : step.After?.Vcpus.FirstOrDefault(v => v.Alive && v.FpuLoaded && !died.Contains(v.Id)) is { } loaded ? $"vcpu{loaded.Id} still loaded after step {step.Index}" : null;
                });
            },
            // Vacuous: sequences without a KVM_RUN; measured at most 62%.
            Events(0.75, RunEvents.RunCompleted));

        yield return Invariant("kernel.kvm.xsave-sizes", ["I16", "R88", "R89", "H5"], ContractPart.Kvm, kvm: true,
            "KVM_CAP_XSAVE2 ≥ 4096; KVM_GET_XSAVE fails exactly when the uABI size exceeds 4096; KVM_GET_XSAVE2 returns uabi_size bytes.",
            (ctx, s, t) => Each(t.Transitions(), tr =>
            {
                var o = tr.Step.Outcome;
                if (o is null) return null;
                switch (tr.Op)
                {
                    // -EOPNOTSUPP: KVM did not load (kvm_x86_vendor_init's "inadequate fpu" without FPU/FXSR, e.g. a
                    // 32-bit kernel booted with clearcpuid=fpu), so there is no capability to size.
                    case KvmCheckExtensionOp { Capability: Uapi.KvmCap.Xsave2 } when o.Result != -(long)Errno.EOPNOTSUPP && o.Result < Uapi.KvmXsaveSize:
                        return $"step {tr.Step.Index}: KVM_CAP_XSAVE2 = {o.Result} < {Uapi.KvmXsaveSize}";
                    case GetXsaveOp g when tr.Before.Vcpus[g.Vcpu].UabiSize > Uapi.KvmXsaveSize != (o.Result == -(long)Errno.EINVAL):
                        return $"step {tr.Step.Index}: KVM_GET_XSAVE returned {o.Result} with uabi_size {tr.Before.Vcpus[g.Vcpu].UabiSize}";
                    case GetXsave2Op g2 when o.Result == 0 && o.Data?.Length != (int)tr.Before.Vcpus[g2.Vcpu].UabiSize:
                        return $"step {tr.Step.Index}: KVM_GET_XSAVE2 gave {o.Data?.Length} bytes, uabi_size {tr.Before.Vcpus[g2.Vcpu].UabiSize}";
                    default:
                        return null;
                }
            }),
            // Vacuous: sequences without a size question; measured at most 56%.
            Events(0.7, RunEvents.CapXsave2, RunEvents.GetXsaveAnswered, RunEvents.GetXsaveAbove4k, RunEvents.GetXsave2Answered, RunEvents.GetXsave2Above4k));

        yield return Invariant("kernel.kvm.supported-cpuid", ["I17", "I18", "R74", "R75", "R76", "H10", "H13", "H19"], ContractPart.Kvm, kvm: true,
            "KVM_GET_SUPPORTED_CPUID leaf 0xD: sub-leaf 0 EBX = ECX = standard size of EDX:EAX; bundles (MPX, AVX-512, AMX) whole; CET_U and CET_S together; sub-leaf 1 EBX = compacted size of XCR0|XSS when XSAVEC/XSAVES are offered.",
            (ctx, s, t) => Each(t.Steps, step =>
            {
                if (step.Op is not KvmGetSupportedCpuidOp || step.Outcome?.Cpuid is not { } leaf) return null;
                var sub0 = leaf.FirstOrDefault(e => e.Index == 0);
                if (sub0 is null) return null;
                var xcr0 = FeatureMask.FromHalves(sub0.Regs.Eax, sub0.Regs.Edx);
                var arch = ctx.Reference.Architecture(s.Cpu.Cpu);
                int std = arch.StandardSize(xcr0);
                if (sub0.Regs.Ebx != std || sub0.Regs.Ecx != std) return $"sub-leaf 0 EBX/ECX {sub0.Regs.Ebx}/{sub0.Regs.Ecx} != standard size {std} of {xcr0}";
                foreach (var bundle in new[] { ArchMasks.Mpx, ArchMasks.Avx512, ArchMasks.Xtile })
                    if (xcr0.Overlaps(bundle) && !bundle.IsSubsetOf(xcr0)) return $"supported XCR0 {xcr0} has half of {bundle}";
                var sub1 = leaf.FirstOrDefault(e => e.Index == 1);
                if (sub1 is null) return null;
                var xss = FeatureMask.FromHalves(sub1.Regs.Ecx, sub1.Regs.Edx);
                if (xss.Overlaps(ArchMasks.Cet) && !ArchMasks.Cet.IsSubsetOf(xss)) return $"supported XSS {xss} has half of CET";
                bool compacted = (sub1.Regs.Eax & 0xA) != 0;
                int expected = compacted ? arch.CompactedSize(xcr0 | xss) : 0;
                return sub1.Regs.Ebx != expected ? $"sub-leaf 1 EBX {sub1.Regs.Ebx} != {expected}" : null;
            }),
            // Vacuous: half the sequences end in the question; measured at most 50%.
            Events(0.65, RunEvents.SupportedCpuid, RunEvents.SupportedCpuidCompacted),
            inputs: ctx => ScenarioGen.Arbitrary(ctx, ScenarioGen.EndingIn(ctx, kvm: true, ScenarioGen.SupportedCpuidTail)));

        yield return Invariant("kernel.fork-exec.permissions", ["R61", "R63"], ContractPart.LinuxProcess, kvm: true,
            "fork: with dynamic sizing the child has its parent's permissions (LOCKED included), else the defaults; exec: the defaults.",
            (ctx, s, t) => Each(t.Transitions(), tr =>
            {
                var defaults = t.Initial!.Processes[0];
                // fpu_state_size_dynamic(): on when init_fpstate.xfd != 0, i.e. XSAVE in use with TILEDATA in user.max
                // (the disable path of R44 zeroes init_fpstate.xfd but leaves user.max as it was).
                bool dynamic = t.Config.Is64Bit && t.Boot.Xsave && t.Boot.User.MaxFeatures.Contains(XtileData);
                switch (tr.Op)
                {
                    case ForkOp f when tr.Step.Outcome?.Created is int child:
                        var parent = tr.Before.Processes[f.Pid - 1];
                        var expected = dynamic ? parent : defaults;
                        var got = tr.After.Processes[child - 1];
                        return got.Perm != expected.Perm || got.GuestPerm != expected.GuestPerm
                            ? $"fork child p{child}: perm {got.Perm}/{got.GuestPerm}, expected {expected.Perm}/{expected.GuestPerm}" : null;
                    case ExecOp e when tr.Step.Outcome?.Result == 0: // an exited process's exec is -ESRCH
                        var after = tr.After.Processes[e.Pid - 1];
                        return after.Perm != defaults.Perm || after.GuestPerm != defaults.GuestPerm
                            ? $"exec p{e.Pid}: perm {after.Perm}/{after.GuestPerm}, expected the defaults {defaults.Perm}/{defaults.GuestPerm}" : null;
                    default:
                        return null;
                }
            }),
            // Vacuous: half the sequences end in a fork and exec; measured at most 48%.
            Events(0.6, RunEvents.Fork, RunEvents.ForkDynamic, RunEvents.Exec),
            inputs: ctx => ScenarioGen.Arbitrary(ctx, ScenarioGen.EndingIn(ctx, kvm: true, ScenarioGen.ForkExecTail)));
    }

    /// <summary>The user (XCR0) part of a mask: everything but the CPU's supervisor bits and bit 63.</summary>
    private static FeatureMask UserPart(CpuModel cpu, FeatureMask m) => m.Except(cpu.SupportedXss).Without(63);

    private static IEnumerable<(string Where, FpStateSnapshot Fps)> AllFpstates(KernelSnapshot snap) =>
        snap.Processes.SelectMany(p => p.Threads.Select(th => ($"p{p.Pid}.t{th.Tid}", th.Fpstate)))
            .Concat(snap.Vcpus.Where(v => v.Alive && v.Fpstate is not null).Select(v => ($"vcpu{v.Id}", v.Fpstate!)));

    private static CaseResult EachAll<T>(IEnumerable<T> items, Func<T, IEnumerable<string?>> check) =>
        Each(items, x => check(x).FirstOrDefault(m => m is not null));

    internal static CaseResult Each<T>(IEnumerable<T> items, Func<T, string?> check)
    {
        foreach (var item in items)
            if (check(item) is { } problem) return Check.That(false, problem);
        return Check.That(true, "holds");
    }

    /// <summary>
    /// An invariant over random sequences. <paramref name="coverage"/>: the run events (<see cref="RunEvents"/>) the law
    /// exists for, each counted as a branch; a run that met none of them is counted vacuous when the invariant is about
    /// those events only (<paramref name="vacuousWithoutAny"/>), not when it also holds over every state.
    /// </summary>
    internal static ConformanceProperty Invariant(string name, string[] rules, ContractPart needs, bool kvm, string description,
        Func<PropertyContext, KernelScenario, KernelTrace, CaseResult?> holds, LawCoverage coverage, bool vacuousWithoutAny = true,
        Func<PropertyContext, Arbitrary<KernelScenario>>? inputs = null)
    {
        var parts = needs | ContractPart.LinuxBoot | (kvm ? ContractPart.Kvm : ContractPart.None);
        return new Law<KernelScenario>(name, LawKind.Invariant, rules, parts, description,
            inputs ?? (ctx => ScenarioGen.Arbitrary(ctx, kvm)), KernelScenarioCodec.Instance,
            (ctx, s) =>
            {
                var trace = KernelRun.Execute(ctx.Subject, s);
                // A boot that died has no user space and no state to hold invariants over (kernel.boot.xcr0-accepted-or-failed
                // judges the failure itself).
                if (trace.Boot.Failed) return Check.Vacuous("boot failed");
                var property = holds(ctx, s, trace) ?? Check.That(true, "not applicable");
                foreach (var branch in RunEvents.Reached(coverage.Branches, s, trace, vacuousWithoutAny)) property = property.In(branch);
                return property;
            },
            (ctx, s) => new Evidence(KernelRun.Execute(ctx.Subject, s).ToJson(), null))
        { NeedsInternalState = true }.Declares(coverage);
    }

    /// <summary>The coverage of an invariant over run events: its branches and vacuous bound.</summary>
    internal static LawCoverage Events(double maxVacuousShare, params string[] branches) => new(branches, maxVacuousShare);
}
