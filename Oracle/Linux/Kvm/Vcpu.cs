using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>The result of KVM_CREATE_VCPU: 0 and the vCPU, or the errno.</summary>
public sealed record VcpuCreation(KResult Result, Vcpu? Vcpu);

/// <summary>
/// One KVM vCPU as far as its FPU goes (SPEC part C): the guest FPU container, XCR0, IA32_XSS, PKRU, the guest CPUID
/// and what KVM derives from it. Operations are the ioctls and exit handlers, in files by topic; each returns what the
/// kernel returns and leaves the state observable here. Conventions: <c>host-initiated</c> = from userspace ioctls,
/// <c>guest</c> = an exit handler for a guest instruction.
/// </summary>
public sealed partial class Vcpu
{
    private readonly List<string> _warnings = [];

    private Vcpu(KvmVm vm, int threadId, FpuGuest guestFpu)
    {
        Vm = vm;
        ThreadId = threadId;
        GuestFpu = guestFpu;
    }

    public KvmVm Vm { get; }
    public KvmModule Kvm => Vm.Kvm;
    public BootResult Boot => Vm.Kvm.Boot;
    public LinuxProcess Process => Vm.Process;

    /// <summary>The thread that runs this vCPU (its struct fpu swaps with the guest's in R86).</summary>
    public int ThreadId { get; }

    /// <summary>vcpu->arch.guest_fpu (R50, R55).</summary>
    public FpuGuest GuestFpu { get; }

    /// <summary>vcpu->arch.xcr0 (R80).</summary>
    public FeatureMask Xcr0 { get; private set; }

    /// <summary>vcpu->arch.ia32_xss (R82).</summary>
    public FeatureMask Xss { get; private set; }

    /// <summary>vcpu->arch.pkru: the guest's PKRU, kept outside the XSAVE buffer and exchanged by KVM_GET/SET_XSAVE.</summary>
    public uint Pkru { get; private set; }

    /// <summary>vcpu->arch.guest_supported_xcr0 (R79).</summary>
    public FeatureMask GuestSupportedXcr0 { get; private set; }

    /// <summary>vcpu->arch.guest_supported_xss (R79).</summary>
    public FeatureMask GuestSupportedXss { get; private set; }

    /// <summary>kvm_vcpu_has_run(): set on the first VM entry; CPUID is frozen afterwards (R78).</summary>
    public bool HasRun { get; private set; }

    /// <summary>vcpu->wants_to_run: inside KVM_RUN.</summary>
    public bool WantsToRun { get; private set; }

    /// <summary>
    /// TIF_NEED_FPU_LOAD of the vCPU thread: the registers no longer hold the active fpstate (it was saved by
    /// kernel_fpu_begin or preemption) and must be restored before returning to the guest or user space.
    /// </summary>
    public bool TaskNeedFpuLoad { get; private set; }

    /// <summary>Kernel warnings (WARN_ON, host #NM) this vCPU's operations raised, in order. KVM_BUG_ONs are in <see cref="KvmVm.Bugs"/>.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The guest fpstate (gfpu->fpstate).</summary>
    public FpState GuestFpstate => GuestFpu.FpState;

    /// <summary>KVM_CREATE_VCPU in a new VM of <paramref name="process"/>.</summary>
    public static VcpuCreation Create(KvmModule kvm, LinuxProcess process) => Create(KvmVm.Create(kvm, process));

    /// <summary>
    /// R85 kvm_arch_vcpu_create: fpu_alloc_guest_fpstate (R55; locks the group's guest permissions, so
    /// ARCH_REQ_XCOMP_GUEST_PERM now answers -EBUSY for new features) -> -ENOMEM when it fails; then RESET (R90).
    /// </summary>
    public static VcpuCreation Create(KvmVm vm, int threadId = LinuxProcess.LeaderId)
    {
        if (vm.Dead) return new(Errno.EIO, null);

        var gfpu = FpStates.AllocGuest(vm.Kvm.Boot, vm.Process);
        if (gfpu is null) return new(Errno.ENOMEM, null);

        var vcpu = new Vcpu(vm, threadId, gfpu);
        vcpu.Reset();
        return new(KResult.Ok, vcpu);
    }

    /// <summary>R85/R56: kvm_arch_vcpu_destroy frees the guest fpstate (refused with a WARN while in use).</summary>
    public GuestFreeResult Destroy() => FpStates.FreeGuest(GuestFpu);

    private void Warn(string what) => _warnings.Add(what);

    /// <summary>kvm_vcpu_ioctl: every vCPU ioctl of a dead (bugged) VM fails with -EIO.</summary>
    private bool Dead => Vm.Dead;
}
