using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Fpu;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>guest_cpu_cap_has() for the XSAVE-related features, computed by kvm_vcpu_after_set_cpuid (R79).</summary>
[Flags]
public enum GuestCaps : byte
{
    None = 0,
    Xsave = 1,
    Xsaves = 2,
    Xfd = 4,
    Shstk = 8,
    Ibt = 16,
}

/// <summary>
/// One vCPU, the FPU part of struct kvm_vcpu (SPEC part C), composed as KVM splits struct kvm_vcpu_arch: the guest FPU
/// (<see cref="Fpu"/>), the guest CPUID (<see cref="Cpuid"/>), XCR0 (<see cref="Xcrs"/>), the MSRs (<see cref="Msrs"/>),
/// the XSAVE ioctls (<see cref="XsaveIoctls"/>) and RESET/INIT (<see cref="Reset"/>). This type keeps what struct
/// kvm_vcpu itself holds (wants_to_run, has-run, the WARN count) and runs KVM_RUN. Each operation returns what the
/// kernel returns (0/-errno as long, a count for MSR ioctls). Conventions: <c>group</c> is the thread group that
/// created the vCPU, resolved by the caller for every ioctl (its leader thread runs the vCPU); <c>hostInitiated</c> =
/// from a userspace ioctl, otherwise an exit handler for a guest instruction.
/// </summary>
public sealed class Vcpu
{
    private Vcpu(KvmModule kvm, KvmVm vm, FpuGuest guestFpu)
    {
        Kvm = kvm;
        Boot = kvm.Boot;
        Vm = vm;
        Fpu = new VcpuFpu(this, guestFpu);
        Cpuid = new VcpuCpuid(this);
        Xcrs = new VcpuXcrs(this);
        Msrs = new VcpuMsrs(this);
        XsaveIoctls = new VcpuXsave(this);
        Reset = new VcpuReset(this);
    }

    public KvmModule Kvm { get; }
    public BootTables Boot { get; }
    public KvmVm Vm { get; }

    /// <summary>vcpu->arch.guest_fpu and vcpu->arch.pkru (R50, R55, R86, R87).</summary>
    public VcpuFpu Fpu { get; }

    /// <summary>vcpu->arch.cpuid_entries and what kvm_vcpu_after_set_cpuid derives from them (R77-R79).</summary>
    public VcpuCpuid Cpuid { get; }

    /// <summary>vcpu->arch.xcr0 (R80, R81).</summary>
    public VcpuXcrs Xcrs { get; }

    /// <summary>IA32_XSS, IA32_XFD, IA32_XFD_ERR and the CET MSRs (R82-R84).</summary>
    public VcpuMsrs Msrs { get; }

    /// <summary>KVM_GET_XSAVE, KVM_GET_XSAVE2, KVM_SET_XSAVE (R89).</summary>
    public VcpuXsave XsaveIoctls { get; }

    /// <summary>kvm_vcpu_reset: RESET (R90) and INIT (R91).</summary>
    public VcpuReset Reset { get; }

    /// <summary>kvm_vcpu_has_run(): CPUID is frozen after the first entry (R78).</summary>
    public bool HasRun { get; private set; }

    /// <summary>vcpu->wants_to_run: inside KVM_RUN.</summary>
    public bool WantsToRun { get; private set; }

    /// <summary>WARN_ONs this vCPU raised (host #NM on restore, wants_to_run != in_use on INIT).</summary>
    public int Warnings { get; private set; }

    /// <summary>
    /// R85 kvm_arch_vcpu_create: fpu_alloc_guest_fpstate (R55, locks the group's guest permissions) -> -ENOMEM when it
    /// fails; then RESET (R90). A dead VM refuses with -EIO.
    /// </summary>
    public static long Create(KvmModule kvm, KvmVm vm, TaskGroup group, out Vcpu? vcpu)
    {
        vcpu = null;
        if (vm.Dead) return Errors.EIO;
        var gfpu = FpstateOps.AllocGuest(kvm.Boot, group);
        if (gfpu is null) return Errors.ENOMEM;
        vcpu = new Vcpu(kvm, vm, gfpu);
        vcpu.Reset.ResetEvent();
        return 0;
    }

    /// <summary>R85/R56 kvm_arch_vcpu_destroy: the guest fpstate is freed (refused with a WARN while in use).</summary>
    public GuestFreeResult Destroy() => FpstateOps.FreeGuest(Fpu.GuestFpu);

    /// <summary>
    /// KVM_RUN (R86): load the guest FPU, enter, handle <paramref name="exits"/> one by one (re-entering after each),
    /// put the guest FPU. Each exit's verdict is added to <paramref name="results"/>. A dead VM -> -EIO.
    /// </summary>
    public long Run(TaskGroup group, IReadOnlyList<GuestEvent> exits, List<GuestExit> results)
    {
        if (Vm.Dead) return Errors.EIO;
        WantsToRun = true;
        if (!Fpu.LoadGuestFpu(group))
        {
            // R87/H25: the entry restore took #NM in kernel mode; handle_xfd_event dies and nobody puts the FPU back.
            ThreadDied = true;
            WantsToRun = false;
            return 0;
        }
        if (!Vm.Dead)
        {
            Fpu.ReenterGuest(group);
            HasRun = true;
            for (int k = 0; k < exits.Count; k++)
            {
                results.Add(GuestExits.Handle(this, group, exits[k]));
                if (Vm.Dead) break;
                Fpu.ReenterGuest(group);
            }
        }
        if (Fpu.Fpstate.InUse) Fpu.PutGuestFpu(group);
        WantsToRun = false;
        return Vm.Dead ? Errors.EIO : 0;
    }

    internal void Warn() => Warnings++;

    /// <summary>The VMM thread was killed in KVM_RUN by a kernel-mode XFD #NM (R87, H25).</summary>
    public bool ThreadDied { get; private set; }

    /// <summary>The kernel's negative errno values the vCPU ioctls return.</summary>
    internal static class Errors
    {
        public const long EIO = -(long)Errno.EIO;
        public const long ENOMEM = -(long)Errno.ENOMEM;
        public const long EINVAL = -(long)Errno.EINVAL;
        public const long E2BIG = -(long)Errno.E2BIG;
        public const long EFAULT = -(long)Errno.EFAULT;
    }
}
