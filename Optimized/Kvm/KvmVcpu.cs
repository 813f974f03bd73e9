using Xsave.Optimized.Linux;

namespace Xsave.Optimized.Kvm;

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
/// One vCPU, the FPU part of struct kvm_vcpu_arch (SPEC part C): the guest FPU container, XCR0, IA32_XSS, PKRU, the guest
/// CPUID and what KVM derives from it. The ioctls and exit handlers are split by topic (KvmVcpu.*.cs); each returns
/// what the kernel returns (0/-errno as long, a count for MSR ioctls). Conventions: <c>group</c> is the thread group
/// that created the vCPU, resolved by the caller for every ioctl (its leader thread runs the vCPU);
/// <c>hostInitiated</c> = from a userspace ioctl, otherwise an exit handler for a guest instruction.
/// </summary>
public sealed partial class KvmVcpu
{
    private KvmVcpu(KvmModule kvm, KvmVm vm, GuestFpu guestFpu)
    {
        Kvm = kvm;
        Boot = kvm.Boot;
        Vm = vm;
        GuestFpu = guestFpu;
    }

    public KvmModule Kvm { get; }
    public BootTables Boot { get; }
    public KvmVm Vm { get; }

    /// <summary>vcpu->arch.guest_fpu.</summary>
    public GuestFpu GuestFpu { get; }

    /// <summary>gfpu->fpstate (never NULL while the vCPU exists).</summary>
    public Fpstate Fpstate => GuestFpu.Fpstate!;

    /// <summary>vcpu->arch.xcr0 and vcpu->arch.ia32_xss.</summary>
    public ulong Xcr0 { get; private set; }
    public ulong Xss { get; private set; }

    /// <summary>vcpu->arch.pkru: the guest's PKRU, outside the XSAVE buffer.</summary>
    public uint Pkru { get; private set; }

    /// <summary>vcpu->arch.guest_supported_xcr0 / guest_supported_xss (R79).</summary>
    public ulong GuestSupportedXcr0 { get; private set; }
    public ulong GuestSupportedXss { get; private set; }

    public GuestCaps GuestCaps { get; private set; }

    /// <summary>kvm_vcpu_has_run(): CPUID is frozen after the first entry (R78).</summary>
    public bool HasRun { get; private set; }

    /// <summary>vcpu->wants_to_run: inside KVM_RUN.</summary>
    public bool WantsToRun { get; private set; }

    /// <summary>IA32_S_CET: kept by the vendor module, not in XSTATE (R84).</summary>
    public ulong SCet { get; private set; }

    /// <summary>WARN_ONs this vCPU raised (host #NM on restore, wants_to_run != in_use on INIT).</summary>
    public int Warnings { get; private set; }

    /// <summary>
    /// R85 kvm_arch_vcpu_create: fpu_alloc_guest_fpstate (R55, locks the group's guest permissions) -> -ENOMEM when it
    /// fails; then RESET (R90). A dead VM refuses with -EIO.
    /// </summary>
    public static long Create(KvmModule kvm, KvmVm vm, TaskGroup group, out KvmVcpu? vcpu)
    {
        vcpu = null;
        if (vm.Dead) return -(long)Contract.Linux.Errno.EIO;
        var gfpu = FpstateOps.AllocGuest(kvm.Boot, group);
        if (gfpu is null) return -(long)Contract.Linux.Errno.ENOMEM;
        vcpu = new KvmVcpu(kvm, vm, gfpu);
        vcpu.Reset();
        return 0;
    }

    /// <summary>R85/R56 kvm_arch_vcpu_destroy: the guest fpstate is freed (refused with a WARN while in use).</summary>
    public GuestFreeResult Destroy() => FpstateOps.FreeGuest(GuestFpu);

    private void Warn() => Warnings++;

    private bool Has(GuestCaps c) => (GuestCaps & c) != 0;

    private const long EIO = -(long)Contract.Linux.Errno.EIO;
    private const long EINVAL = -(long)Contract.Linux.Errno.EINVAL;
    private const long E2BIG = -(long)Contract.Linux.Errno.E2BIG;
    private const long EFAULT = -(long)Contract.Linux.Errno.EFAULT;
}
