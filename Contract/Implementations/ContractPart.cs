namespace Xsave.Contract.Implementations;

/// <summary>
/// The parts of the contract an implementation can declare. A property or scenario that needs a part the
/// implementation does not declare is skipped, with the reason, never counted as a pass.
/// </summary>
[Flags]
public enum ContractPart
{
    None = 0,
    /// <summary>Standard and compacted sizes and layouts (R12-R16).</summary>
    Layout = 1 << 0,
    /// <summary>XCR0, IA32_XSS, IA32_XFD validity (R8-R11).</summary>
    RegisterValidity = 1 << 1,
    /// <summary>The XSAVE family on an explicit machine state and buffer (R17-R29).</summary>
    Instructions = 1 << 2,
    /// <summary>The Linux boot configuration (R30-R45).</summary>
    LinuxBoot = 1 << 3,
    /// <summary>Processes: permissions, arch_prctl, sigaltstack, fork, exec, XFD #NM (R58-R67).</summary>
    LinuxProcess = 1 << 4,
    /// <summary>UABI paths: ptrace NT_X86_XSTATE and signal frames (R68-R72).</summary>
    Uabi = 1 << 5,
    /// <summary>KVM: capabilities, CPUID, vCPUs, XCRs, MSRs, XSAVE ioctls, INIT/RESET (R73-R91).</summary>
    Kvm = 1 << 6,

    Architecture = Layout | RegisterValidity | Instructions,
    Linux = LinuxBoot | LinuxProcess | Uabi | Kvm,
    All = Architecture | Linux,
}

/// <summary>What an implementation declares about itself, checked before anything runs.</summary>
/// <param name="Parts">The parts of the contract it answers.</param>
/// <param name="FixedCpu">Set when it can only answer for one CPU (the real kernel and CPU of this machine): the
/// properties then use this model instead of generated ones.</param>
/// <param name="ObservesInternalState">Whether it can report kernel-internal state (fpstate sizes, headers,
/// permissions) after each operation. The real kernel cannot; models can.</param>
/// <param name="FixedMachine">Set when the implementation is a real CPU whose XCR0, CPL, CR4.OSXSAVE, CR0.TS and
/// IA32_XFD it cannot change (instruction laws then use that state, or are skipped with the reason).</param>
/// <param name="MissingPartsReason">Why the parts it does not declare are missing, when that is worth saying (e.g.
/// "native helper not built: no C compiler"): added to the skip reason of every property that needs one.</param>
public sealed record ImplementationCapabilities(ContractPart Parts, CpuModel? FixedCpu = null, bool ObservesInternalState = true,
    FixedMachine? FixedMachine = null, string? MissingPartsReason = null)
{
    public bool Supports(ContractPart part) => (Parts & part) == part;
}
