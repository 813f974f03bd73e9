namespace Xsave.Mutants;

/// <summary>
/// The historical bugs of SPEC part E that no mutant puts back, each with why: issue 16's kill list holds every one the
/// contract can express as a change of behaviour (results, sizes, errors), not of <c>Snapshot()</c> alone. Every one of
/// H1-H25 is either named by a mutant's description or listed here (KillListTests).
/// </summary>
public static class UnexpressedHistoricalBugs
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["H3"] = "the guest fpstate sized with the user default size while its xfeatures hold supervisor states: only the " +
                 "fpstate's size differs, which the state snapshot shows (I7, kernel.fpstate.consistent); no answer depends on it " +
                 "(vmalloc's page rounding hid the overflow in the kernel)",
        ["H4"] = "gfpu->xfeatures cached as the user defaults instead of the kernel's: only the guest FPU container differs, " +
                 "which the state snapshot shows (I9, kernel.guest-fpu.container-matches)",
        ["H7"] = "INIT emulation's put-without-load was a NULL dereference with the vCPU's mutex held (an oops); the contract " +
                 "has no kernel-oops answer, and a kernel with today's checks turns the same mistake into KVM_BUG_ON (a dead " +
                 "VM), which a mutant cannot cause in the kernel it wraps",
        ["H8"] = "a compile-time assertion (BUILD_BUG_ON comparing a bit count with a byte count): no run-time behaviour",
        ["H9"] = "RESET cleared MPX state that RESET's zeroed allocation already holds in its init state: the same state " +
                 "either way (an equivalent mutant)",
        ["H20"] = "XSTATE_WARN_ON's diagnostics only: no state or answer changes",
    };
}
