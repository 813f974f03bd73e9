using System.Text.Json.Serialization;

namespace Xsave.Contract.Linux;

/// <summary>
/// One step a Linux/KVM implementation executes: a system call, an ioctl, or an event (fork, #NM, INIT) — the
/// user-visible surface of SPEC parts B and C. Processes, threads and vCPUs are named by small integers assigned in
/// creation order (the world starts with process 1, thread 0), so the same sequence gives the same names everywhere.
/// Plain records with a type discriminator, so a process protocol and a regression file can carry them as JSON.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(ArchPrctlOp), "arch_prctl")]
[JsonDerivedType(typeof(SigaltstackOp), "sigaltstack")]
[JsonDerivedType(typeof(SpawnThreadOp), "clone_thread")]
[JsonDerivedType(typeof(ForkOp), "fork")]
[JsonDerivedType(typeof(ExecOp), "exec")]
[JsonDerivedType(typeof(XfdFaultOp), "xfd_nm")]
[JsonDerivedType(typeof(WritePkruOp), "wrpkru")]
[JsonDerivedType(typeof(PtraceGetXstateOp), "ptrace_getregset")]
[JsonDerivedType(typeof(PtraceSetXstateOp), "ptrace_setregset")]
[JsonDerivedType(typeof(KvmCheckExtensionOp), "kvm_check_extension")]
[JsonDerivedType(typeof(KvmGetSupportedCpuidOp), "kvm_get_supported_cpuid")]
[JsonDerivedType(typeof(VcpuCreateOp), "kvm_create_vcpu")]
[JsonDerivedType(typeof(VcpuDestroyOp), "kvm_destroy_vcpu")]
[JsonDerivedType(typeof(SetCpuid2Op), "kvm_set_cpuid2")]
[JsonDerivedType(typeof(GetCpuid2Op), "kvm_get_cpuid2")]
[JsonDerivedType(typeof(GetXcrsOp), "kvm_get_xcrs")]
[JsonDerivedType(typeof(SetXcrsOp), "kvm_set_xcrs")]
[JsonDerivedType(typeof(SetMsrOp), "set_msr")]
[JsonDerivedType(typeof(GetMsrOp), "get_msr")]
[JsonDerivedType(typeof(KvmRunOp), "kvm_run")]
[JsonDerivedType(typeof(GetXsaveOp), "kvm_get_xsave")]
[JsonDerivedType(typeof(GetXsave2Op), "kvm_get_xsave2")]
[JsonDerivedType(typeof(SetXsaveOp), "kvm_set_xsave")]
[JsonDerivedType(typeof(VcpuInitOp), "vcpu_init")]
[JsonDerivedType(typeof(SignalDeliverOp), "signal_deliver")]
[JsonDerivedType(typeof(SigreturnOp), "sigreturn")]
[JsonDerivedType(typeof(MinSigStkSzOp), "getauxval_minsigstksz")]
[JsonDerivedType(typeof(ExitGroupOp), "exit_group")]
public abstract record KernelOp;

/// <summary>arch_prctl(option, arg) in process <paramref name="Pid"/> (R64). For the GET options the value is returned
/// in <see cref="KernelOutcome.Value"/>; <paramref name="BadPointer"/> makes the put_user fail (-EFAULT).</summary>
public sealed record ArchPrctlOp(int Pid, int Option, ulong Arg, bool BadPointer = false) : KernelOp;

/// <summary>sigaltstack() installing a stack of <paramref name="Size"/> bytes on one thread (R66); 0 disables it.</summary>
public sealed record SigaltstackOp(int Pid, int Tid, ulong Size) : KernelOp;

/// <summary>clone(CLONE_THREAD): a new thread in the group; <see cref="KernelOutcome.Created"/> is its tid.</summary>
public sealed record SpawnThreadOp(int Pid) : KernelOp;

/// <summary>fork(): a new process; <see cref="KernelOutcome.Created"/> is its pid (R61).</summary>
public sealed record ForkOp(int Pid) : KernelOp;

/// <summary>execve() in the process (fs/exec.c begin_new_exec): de_thread leaves only the caller (the leader); permissions
/// and state reset (R61), PKRU to its default (R61a), the sigaltstack cleared; the O_CLOEXEC KVM fds close, so a VM
/// nobody else holds is destroyed with its vCPUs, and the caller's later ioctls on its old vCPUs are -EBADF.</summary>
public sealed record ExecOp(int Pid) : KernelOp;

/// <summary>A user-mode #NM because a thread touched XFD-disabled state; IA32_XFD_ERR = <paramref name="XfdErr"/>
/// (R58, R59). <see cref="KernelOutcome.Signal"/> names the signal sent, if any.</summary>
public sealed record XfdFaultOp(int Pid, int Tid, FeatureMask XfdErr) : KernelOp;

/// <summary>WRPKRU by a host thread (e.g. the VMM's): its PKRU register, which its saved state and a KVM_RUN on it
/// carry (R61a, R86a). The result is 0.</summary>
public sealed record WritePkruOp(int Pid, int Tid, uint Value) : KernelOp;

/// <summary>PTRACE_GETREGSET NT_X86_XSTATE with an iovec of <paramref name="IovLen"/> bytes (R71).</summary>
public sealed record PtraceGetXstateOp(int Pid, int Tid, int IovLen) : KernelOp;

/// <summary>PTRACE_SETREGSET NT_X86_XSTATE with <paramref name="Data"/> as the iovec (R71).</summary>
public sealed record PtraceSetXstateOp(int Pid, int Tid, byte[] Data) : KernelOp;

/// <summary>KVM_CHECK_EXTENSION on /dev/kvm from process <paramref name="Pid"/> (R88).</summary>
public sealed record KvmCheckExtensionOp(int Pid, int Capability) : KernelOp;

/// <summary>KVM_GET_SUPPORTED_CPUID from process <paramref name="Pid"/>; the leaf 0xD entries come back in
/// <see cref="KernelOutcome.Cpuid"/> (R75, R76).</summary>
public sealed record KvmGetSupportedCpuidOp(int Pid) : KernelOp;

/// <summary>KVM_CREATE_VCPU in a VM of process <paramref name="Pid"/>; <see cref="KernelOutcome.Created"/> is the
/// vCPU id (R85).</summary>
public sealed record VcpuCreateOp(int Pid) : KernelOp;

public sealed record VcpuDestroyOp(int Vcpu) : KernelOp;

/// <summary>KVM_SET_CPUID2 (R78, R79). Entries not listed are absent from the guest CPUID.</summary>
public sealed record SetCpuid2Op(int Vcpu, IReadOnlyList<CpuidEntry> Entries) : KernelOp;

/// <summary>KVM_GET_CPUID2 with room for <paramref name="Nent"/> entries: the stored table after the runtime fix-ups
/// (R77, R78) in <see cref="KernelOutcome.Cpuid"/>; too small a room is -E2BIG.</summary>
public sealed record GetCpuid2Op(int Vcpu, int Nent = Uapi.KvmMaxCpuidEntries) : KernelOp;

public sealed record GetXcrsOp(int Vcpu) : KernelOp;

/// <summary>KVM_SET_XCRS (R81): nr_xcrs is the number of entries given.</summary>
public sealed record SetXcrsOp(int Vcpu, uint Flags, IReadOnlyList<XcrEntry> Xcrs) : KernelOp;

/// <summary>KVM_SET_MSRS with one entry, from user space (host-initiated): IA32_XSS (0xDA0), IA32_XFD (0x1C4),
/// IA32_XFD_ERR (0x1C5) (R82, R83). The result is the number of MSRs written (0 or 1), as the ioctl returns.</summary>
public sealed record SetMsrOp(int Vcpu, uint Msr, ulong Value) : KernelOp;

/// <summary>KVM_GET_MSRS with one entry; the value read is <see cref="KernelOutcome.Value"/>.</summary>
public sealed record GetMsrOp(int Vcpu, uint Msr) : KernelOp;

/// <summary>
/// KVM_RUN: load the guest FPU, enter the guest, handle <paramref name="Exits"/> one after another (guest instructions
/// and host events while the guest FPU is loaded), put the guest FPU back (R86). Each exit's result is reported in
/// <see cref="KernelOutcome.Exits"/>.
/// </summary>
public sealed record KvmRunOp(int Vcpu, IReadOnlyList<GuestEvent> Exits) : KernelOp;

/// <summary>KVM_GET_XSAVE: a 4096-byte image in <see cref="KernelOutcome.Data"/> (R89).</summary>
public sealed record GetXsaveOp(int Vcpu) : KernelOp;

/// <summary>KVM_GET_XSAVE2 with a buffer of <paramref name="Size"/> bytes (R89).</summary>
public sealed record GetXsave2Op(int Vcpu, int Size) : KernelOp;

/// <summary>KVM_SET_XSAVE with <paramref name="Image"/> (4096 bytes or the uABI size) (R89).</summary>
public sealed record SetXsaveOp(int Vcpu, byte[] Image) : KernelOp;

/// <summary>An INIT signal delivered to the vCPU (R91).</summary>
public sealed record VcpuInitOp(int Vcpu) : KernelOp;

/// <summary>
/// A signal delivered to a thread of a 64-bit task (R72; arch/x86/kernel/signal.c get_sigframe, fpu/signal.c
/// copy_fpstate_to_sigframe): the FPU part of the frame is written to the user stack, then the handler starts with the
/// user states reset (fpu__clear_user_states: init values, PKRU = init_pkru_value). <see cref="KernelOutcome.Data"/>
/// is the frame's fpstate as it lands in user memory, xstate_sigframe_size bytes from the 64-byte-aligned buf_fx: the
/// XSAVE image in standard form (legacy region, sw_reserved at 464..511, header, components) and magic2 at user_size
/// (no magic2 without XSAVE); bytes neither XSAVE nor the kernel writes read as zero (a fresh stack). With
/// <paramref name="OnAltstack"/> (SA_ONSTACK) and a sigaltstack installed, the frame goes to its top (a 64-byte
/// aligned stack base assumed); one that does not fit is refused: result -EFAULT, <see cref="KernelSignal.SigSegv"/>
/// (force_sigsegv, KO §6a), no data, the registers untouched. The frame stays on the thread's stack for
/// <see cref="SigreturnOp"/>.
/// </summary>
public sealed record SignalDeliverOp(int Pid, int Tid, bool OnAltstack = false) : KernelOp;

/// <summary>
/// rt_sigreturn's FPU part (R72; fpu/signal.c fpu__restore_sig, __fpu_restore_sig, restore_fpregs_from_user): the
/// registers are restored from <paramref name="Frame"/>, or, when it is empty, from the frame the last
/// <see cref="SignalDeliverOp"/> left on this thread's stack (none: an empty frame). Before the restore the 8 bytes at
/// <paramref name="XorAt"/> (little-endian, cut at the frame's end; -1: none) are XORed with <paramref name="Xor"/> —
/// the handler's edit of the frame. Result 0; a restore that fails (unreadable sw_reserved or magic2, XRSTOR/FXRSTOR
/// faulting on the frame) resets the user states and delivers <see cref="KernelSignal.SigSegv"/>. The effect is
/// visible through PTRACE_GETREGSET.
/// </summary>
public sealed record SigreturnOp(int Pid, int Tid, byte[] Frame, int XorAt = -1, ulong Xor = 0) : KernelOp
{
    /// <summary>A request without a frame (JSON null or absent) means the frame on the stack.</summary>
    public byte[] Frame { get; init; } = Frame ?? [];
}

/// <summary>getauxval(AT_MINSIGSTKSZ) in process <paramref name="Pid"/>: <see cref="KernelOutcome.Value"/> is the
/// kernel's max_frame_size (arch/x86/kernel/signal.c init_sigframe_size, get_sigframe_size; KO §1b: 3376 on Zen 5).</summary>
public sealed record MinSigStkSzOp(int Pid) : KernelOp;

/// <summary>
/// exit_group() in process <paramref name="Pid"/> (kernel/exit.c do_group_exit → do_exit): every thread exits
/// (exit_thread → fpu__drop, the task fpstates are freed with the task), exit_files closes the process's fds, so a VM
/// whose last fd it held is destroyed with its vCPUs (kvm_arch_vcpu_destroy → fpu_free_guest_fpstate, R85/R56; a WARN
/// when a guest fpstate is still in use, H25). Children are reparented and keep their own permissions. The process is
/// reported not alive, with no threads; an operation naming it afterwards is -ESRCH.
/// </summary>
public sealed record ExitGroupOp(int Pid) : KernelOp;

/// <summary>Something that happens while a vCPU runs: a guest instruction KVM handles, or a host event.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(GuestXsetbv), "xsetbv")]
[JsonDerivedType(typeof(GuestWrmsr), "wrmsr")]
[JsonDerivedType(typeof(GuestRdmsr), "rdmsr")]
[JsonDerivedType(typeof(GuestWritePkru), "wrpkru")]
[JsonDerivedType(typeof(HostKernelFpuUse), "kernel_fpu_begin")]
[JsonDerivedType(typeof(InitWhileRunning), "init")]
[JsonDerivedType(typeof(GuestWriteRegister), "write_reg")]
public abstract record GuestEvent;

/// <summary>The guest executes XSETBV (R80): "completed" or "#GP".</summary>
public sealed record GuestXsetbv(int Cpl, uint Ecx, ulong Value) : GuestEvent;

/// <summary>The guest writes IA32_XSS / IA32_XFD / IA32_XFD_ERR (R82, R83): "completed" or "#GP".</summary>
public sealed record GuestWrmsr(uint Msr, ulong Value) : GuestEvent;

/// <summary>The guest reads an MSR: "value=0x.." or "#GP".</summary>
public sealed record GuestRdmsr(uint Msr) : GuestEvent;

/// <summary>The guest executes WRPKRU.</summary>
public sealed record GuestWritePkru(uint Value) : GuestEvent;

/// <summary>The host kernel uses the FPU (kernel_fpu_begin, e.g. a softirq) while the guest state is loaded.</summary>
public sealed record HostKernelFpuUse : GuestEvent;

/// <summary>An INIT signal handled while the vCPU runs (the guest FPU is in use, R91, H7).</summary>
public sealed record InitWhileRunning : GuestEvent;

/// <summary>
/// The guest leaves <paramref name="Value"/> in the 8 bytes at <paramref name="Offset"/> of the register file of XSAVE
/// component <paramref name="Component"/> (an x87/SSE/AVX/AVX-512 lane, a tile row) while its FPU is loaded, so the next
/// save has XSTATE_BV[component] = 1 and the bytes at the component's UABI place. Register files, as the UABI lays them
/// out: x87 = ST0-7 (128 bytes at 32), SSE = XMM0-15 (256 bytes at 160), any other = the component's whole area. The
/// offset is rounded down to 8 and taken modulo the register file's size (so one event fits every CPU). Outcomes: "#UD"
/// when a VEX/EVEX/AMX instruction meets a guest XCR0 without the component (SDM: XCR0 checks raise #UD), "#NM" when
/// the guest's XFD arms it (IA32_XFD_ERR := XFD ∩ the component, kept in guest_fpu.xfd_err by
/// vmx_handle_nm_fault_irqoff and reflected to the guest), else "completed". Only components a guest instruction writes
/// directly: <see cref="Writable"/>.
/// </summary>
public sealed record GuestWriteRegister(int Component, int Offset, ulong Value) : GuestEvent
{
    /// <summary>x87, SSE, YMM, opmask, ZMM_Hi256, Hi16_ZMM, TILECFG, TILEDATA (PKRU has its own event, WRPKRU).</summary>
    public static IReadOnlyList<int> Writable { get; } = [0, 1, 2, 5, 6, 7, 17, 18];

    public int Component { get; } = Writable.Contains(Component) ? Component
        : throw new ArgumentException($"write_reg: component {Component} is not one a guest instruction writes (writable: {string.Join(", ", Writable)})");

    public int Offset { get; } = Offset >= 0 ? Offset : throw new ArgumentException($"write_reg: offset {Offset} is negative");
}

/// <summary>
/// One CPUID entry as KVM_SET_CPUID2/KVM_GET_SUPPORTED_CPUID carry it. It has no flags field: an entry stands for a
/// struct kvm_cpuid_entry2 with KVM_CPUID_FLAG_SIGNIFCANT_INDEX set exactly when the function is indexed
/// (cpuid_function_is_indexed: 4, 7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1D, 0x1E, 0x1F, 0x24, 0x8000001D),
/// as KVM_GET_SUPPORTED_CPUID reports and QEMU passes them. KVM keeps userspace's flags, and its lookups (R78, R79)
/// match an unflagged entry at any index: a leaf 1 or 0x80000008 entry counts whatever its Index.
/// </summary>
public sealed record CpuidEntry(uint Function, uint Index, CpuidRegs Regs);

/// <summary>One struct kvm_xcr.</summary>
public sealed record XcrEntry(uint Xcr, ulong Value);
