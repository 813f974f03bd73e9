namespace Xsave.Contract.Linux;

/// <summary>Which CET supervisor design the kernel follows (the seed discussion of the CET series).</summary>
public enum CetSupervisorPolicy
{
    /// <summary>The merged design: CET_KERNEL is guest-only (XFEATURE_MASK_GUEST_SUPERVISOR).</summary>
    Merged,
    /// <summary>Case 3 of the series' cover letter: CET supervisor state enabled in every task's fpstate.</summary>
    AllTasks,
    /// <summary>No CET supervisor state at all (neither host nor guest fpstates carry it).</summary>
    None,
}

/// <summary>
/// The kernel build and command line, as far as the FPU policy depends on them. Defaults are a stock x86_64 kernel:
/// protection keys enabled (so OSPKE follows PKU), hardware feature flags as enumerated, XFD when 0xD.1 EAX[4].
/// </summary>
public sealed record KernelConfig
{
    public static KernelConfig Default { get; } = new();

    public CetSupervisorPolicy Policy { get; init; } = CetSupervisorPolicy.Merged;

    /// <summary>CONFIG_X86_64. A 32-bit kernel has no dynamic features (R64, SPEC conventions).</summary>
    public bool Is64Bit { get; init; } = true;

    /// <summary>CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS: with it, OSPKE is set whenever the CPU has PKU.</summary>
    public bool ProtectionKeys { get; init; } = true;

    /// <summary>Boot with "noxsave" and similar: XSAVE cleared before the xstate setup.</summary>
    public bool NoXsave { get; init; }

    /// <summary>
    /// "noxsaveopt": cpu_parse_early_param() calls setup_clear_cpu_cap(X86_FEATURE_XSAVEOPT) (nothing depends on it in
    /// cpuid-deps.c). The FPU policy does not read XSAVEOPT, so the boot is unchanged; the save instruction choice is not
    /// part of the contract.
    /// </summary>
    public bool NoXsaveopt { get; init; }

    /// <summary>
    /// "noxsaves": setup_clear_cpu_cap(X86_FEATURE_XSAVES), so also XFD (and through it AMX_TILE), SHSTK and ENQCMD
    /// (cpuid-deps.c). With XSAVEC the kernel still uses the compacted format, without supervisor states (R38, R39).
    /// </summary>
    public bool NoXsaves { get; init; }

    /// <summary>
    /// "clearcpuid=...": the capabilities cleared with setup_clear_cpu_cap() before the FPU setup, each with everything
    /// that depends on it (cpuid-deps.c). The command line names them as <see cref="CpuidFlagNames"/> lists.
    /// </summary>
    public CpuidFlags ClearCpuid { get; init; }

    /// <summary>Apply the AMD family 0x17 erratum 1386 workaround (clear XSAVES, R38a). Stock kernels do.</summary>
    public bool AmdZenXsavesErratum { get; init; } = true;

    /// <summary>
    /// CONFIG_IA32_EMULATION (distribution kernels set it): signal frame sizing then reserves room for the ia32 frame
    /// and the 112-byte fsave header (fpu__get_fpstate_size, init_sigframe_size). Only the 64-bit kernel consults it.
    /// </summary>
    public bool Ia32Emulation { get; init; } = true;

    /// <summary>
    /// CONFIG_STRICT_SIGALTSTACK_SIZE or the "strict_sas_size" command line option: sigaltstack() then always checks
    /// the size against the signal frame (R66). Off by default, as on the measured host (KO §6a).
    /// </summary>
    public bool StrictSigaltstackSize { get; init; }

    /// <summary>
    /// KVM_SET_CPUID2 after KVM_RUN refreshes the stored table's runtime bits before comparing (the Dec-2025 fix "Apply
    /// runtime updates to current CPUID during KVM_SET_CPUID{,2}", Cc stable; R78). Off is the unfixed 6.14+ kernel
    /// (93da6af3ae56), which refuses the VMM's original table with -EINVAL once the guest changed XCR0 (H24).
    /// </summary>
    public bool CpuidSetRefreshesCurrent { get; init; } = true;
}
