using System.Globalization;
using Xsave.Contract.Implementations;
using static Xsave.Contract.Linux.Operations.OpText;

namespace Xsave.Contract.Linux.Operations;

/// <summary>
/// Every Linux/KVM operation of the contract, described once (<see cref="KernelOpDescriptor{T}"/>): name, part, what it
/// names, what it does to the names that exist, arguments, text. The order is the scenario format's documentation
/// order. A <see cref="KernelOp"/> without an entry here fails the coverage tests.
/// </summary>
public static class KernelOps
{
    private const ContractPart Process = ContractPart.LinuxProcess, Uabi = ContractPart.Uabi, Kvm = ContractPart.Kvm;

    public static IReadOnlyList<IKernelOpDescriptor> All { get; } =
    [
        // ---- Linux process (R58-R67)
        Op<ArchPrctlOp>("arch_prctl", Process, OpTarget.Process, OpEffect.None,
            [OpArg.Pid, new("option", ArgKind.ArchPrctlOption), new("arg", ArgKind.ArchPrctlArg, 0UL), new("bad_pointer", ArgKind.Bool, false)],
            o => $"p{o.Pid} arch_prctl({ArchPrctlOption(o.Option)}, {(Uapi.ArchPrctl.IsRequest(o.Option) ? o.Arg.ToString(CultureInfo.InvariantCulture) : o.BadPointer ? "bad pointer" : "&u64")})",
            o => Pid(o.Pid).Set("option", o.Option).Set("arg", o.Arg).Set("bad_pointer", o.BadPointer),
            v => new ArchPrctlOp(v.Int("pid"), v.Int("option"), v.ULong("arg"), v.Bool("bad_pointer"))),
        Op<SigaltstackOp>("sigaltstack", Process, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("size", ArgKind.ULong)],
            o => $"p{o.Pid}.t{o.Tid} sigaltstack(size={o.Size})",
            o => Thread(o.Pid, o.Tid).Set("size", o.Size),
            v => new SigaltstackOp(v.Int("pid"), v.Int("tid"), v.ULong("size"))),
        Op<SpawnThreadOp>("clone_thread", Process, OpTarget.Process, OpEffect.SpawnsThread, [OpArg.Pid],
            o => $"p{o.Pid} clone(CLONE_THREAD)", o => Pid(o.Pid), v => new SpawnThreadOp(v.Int("pid"))),
        Op<ForkOp>("fork", Process, OpTarget.Process, OpEffect.ForksProcess, [OpArg.Pid],
            o => $"p{o.Pid} fork()", o => Pid(o.Pid), v => new ForkOp(v.Int("pid"))),
        Op<ExecOp>("exec", Process, OpTarget.Process, OpEffect.ExecsProcess, [OpArg.Pid],
            o => $"p{o.Pid} execve()", o => Pid(o.Pid), v => new ExecOp(v.Int("pid"))),
        Op<XfdFaultOp>("xfd_nm", Process, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("xfd_err", ArgKind.Mask)],
            o => $"p{o.Pid}.t{o.Tid} #NM XFD_ERR={o.XfdErr}",
            o => Thread(o.Pid, o.Tid).Set("xfd_err", o.XfdErr.Bits),
            v => new XfdFaultOp(v.Int("pid"), v.Int("tid"), v.Mask("xfd_err"))),

        Op<WritePkruOp>("wrpkru", Process, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("value", ArgKind.UInt)],
            o => $"p{o.Pid}.t{o.Tid} WRPKRU(0x{o.Value:x})",
            o => Thread(o.Pid, o.Tid).Set("value", o.Value),
            v => new WritePkruOp(v.Int("pid"), v.Int("tid"), v.UInt("value"))),

        Op<MinSigStkSzOp>("getauxval_minsigstksz", Process, OpTarget.Process, OpEffect.None, [OpArg.Pid],
            o => $"p{o.Pid} getauxval(AT_MINSIGSTKSZ)", o => Pid(o.Pid), v => new MinSigStkSzOp(v.Int("pid"))),

        // ---- UABI (R68-R72)
        Op<PtraceGetXstateOp>("ptrace_getregset", Uabi, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("iov_len", ArgKind.Int)],
            o => $"ptrace(GETREGSET, p{o.Pid}.t{o.Tid}, iov_len={o.IovLen})",
            o => Thread(o.Pid, o.Tid).Set("iov_len", o.IovLen),
            v => new PtraceGetXstateOp(v.Int("pid"), v.Int("tid"), v.Int("iov_len"))),
        Op<PtraceSetXstateOp>("ptrace_setregset", Uabi, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("image", ArgKind.Image)],
            o => $"ptrace(SETREGSET, p{o.Pid}.t{o.Tid}, {Image(o.Data)})",
            o => Thread(o.Pid, o.Tid).Set("image", o.Data),
            v => new PtraceSetXstateOp(v.Int("pid"), v.Int("tid"), v.Bytes("image"))),

        Op<SignalDeliverOp>("signal_deliver", Uabi, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("on_altstack", ArgKind.Bool, false)],
            o => $"p{o.Pid}.t{o.Tid} signal delivered{(o.OnAltstack ? " (SA_ONSTACK)" : "")}",
            o => Thread(o.Pid, o.Tid).Set("on_altstack", o.OnAltstack),
            v => new SignalDeliverOp(v.Int("pid"), v.Int("tid"), v.Bool("on_altstack"))),
        Op<SigreturnOp>("sigreturn", Uabi, OpTarget.Thread, OpEffect.None,
            [OpArg.Pid, OpArg.Tid, new("frame", ArgKind.Image, Array.Empty<byte>()), new("xor_at", ArgKind.Int, -1), new("xor", ArgKind.ULong, 0UL)],
            o => $"p{o.Pid}.t{o.Tid} rt_sigreturn({(o.Frame.Length == 0 ? "the delivered frame" : Image(o.Frame))}{(o.XorAt >= 0 ? $", [{o.XorAt}] ^= 0x{o.Xor:x}" : "")})",
            o => Thread(o.Pid, o.Tid).Set("frame", o.Frame).Set("xor_at", o.XorAt).Set("xor", o.Xor),
            v => new SigreturnOp(v.Int("pid"), v.Int("tid"), v.Bytes("frame"), v.Int("xor_at"), v.ULong("xor"))),

        // ---- KVM (R73-R91)
        Op<KvmCheckExtensionOp>("kvm_check_extension", Kvm, OpTarget.Process, OpEffect.None,
            [OpArg.Pid, new("capability", ArgKind.KvmCapability)],
            o => $"p{o.Pid} KVM_CHECK_EXTENSION({o.Capability})",
            o => Pid(o.Pid).Set("capability", o.Capability),
            v => new KvmCheckExtensionOp(v.Int("pid"), v.Int("capability"))),
        Op<KvmGetSupportedCpuidOp>("kvm_get_supported_cpuid", Kvm, OpTarget.Process, OpEffect.None, [OpArg.Pid],
            o => $"p{o.Pid} KVM_GET_SUPPORTED_CPUID", o => Pid(o.Pid), v => new KvmGetSupportedCpuidOp(v.Int("pid"))),
        Op<VcpuCreateOp>("kvm_create_vcpu", Kvm, OpTarget.Process, OpEffect.CreatesVcpu, [OpArg.Pid],
            o => $"p{o.Pid} KVM_CREATE_VCPU", o => Pid(o.Pid), v => new VcpuCreateOp(v.Int("pid"))),
        Op<VcpuDestroyOp>("kvm_destroy_vcpu", Kvm, OpTarget.Vcpu, OpEffect.DestroysVcpu, [OpArg.Vcpu],
            o => $"vcpu{o.Vcpu} destroy", o => Vcpu(o.Vcpu), v => new VcpuDestroyOp(v.Int("vcpu"))),
        Op<SetCpuid2Op>("kvm_set_cpuid2", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("entries", ArgKind.CpuidEntries)],
            o => $"vcpu{o.Vcpu} KVM_SET_CPUID2({string.Join(", ", o.Entries.Select(e => $"0x{e.Function:x}.{e.Index}: eax=0x{e.Regs.Eax:x} ecx=0x{e.Regs.Ecx:x}"))})",
            o => Vcpu(o.Vcpu).Set("entries", o.Entries),
            v => new SetCpuid2Op(v.Int("vcpu"), v.Get<IReadOnlyList<CpuidEntry>>("entries"))),
        Op<GetCpuid2Op>("kvm_get_cpuid2", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("nent", ArgKind.Int, Uapi.KvmMaxCpuidEntries)],
            o => $"vcpu{o.Vcpu} KVM_GET_CPUID2(nent={o.Nent})",
            o => Vcpu(o.Vcpu).Set("nent", o.Nent),
            v => new GetCpuid2Op(v.Int("vcpu"), v.Int("nent"))),
        Op<GetXcrsOp>("kvm_get_xcrs", Kvm, OpTarget.Vcpu, OpEffect.None, [OpArg.Vcpu],
            o => $"vcpu{o.Vcpu} KVM_GET_XCRS", o => Vcpu(o.Vcpu), v => new GetXcrsOp(v.Int("vcpu"))),
        Op<SetXcrsOp>("kvm_set_xcrs", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("flags", ArgKind.UInt, 0u), new("xcrs", ArgKind.Xcrs)],
            o => $"vcpu{o.Vcpu} KVM_SET_XCRS(flags={o.Flags}, [{string.Join(", ", o.Xcrs.Select(x => $"xcr{x.Xcr}=0x{x.Value:x}"))}])",
            o => Vcpu(o.Vcpu).Set("flags", o.Flags).Set("xcrs", o.Xcrs),
            v => new SetXcrsOp(v.Int("vcpu"), v.UInt("flags"), v.Get<IReadOnlyList<XcrEntry>>("xcrs"))),
        Op<SetMsrOp>("set_msr", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("msr", ArgKind.Msr), new("value", ArgKind.Mask)],
            o => $"vcpu{o.Vcpu} KVM_SET_MSRS(0x{o.Msr:x}=0x{o.Value:x})",
            o => Vcpu(o.Vcpu).Set("msr", o.Msr).Set("value", o.Value),
            v => new SetMsrOp(v.Int("vcpu"), v.UInt("msr"), v.ULong("value"))),
        Op<GetMsrOp>("get_msr", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("msr", ArgKind.Msr)],
            o => $"vcpu{o.Vcpu} KVM_GET_MSRS(0x{o.Msr:x})",
            o => Vcpu(o.Vcpu).Set("msr", o.Msr),
            v => new GetMsrOp(v.Int("vcpu"), v.UInt("msr"))),
        Op<KvmRunOp>("kvm_run", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("exits", ArgKind.GuestEvents)],
            o => $"vcpu{o.Vcpu} KVM_RUN [{string.Join(", ", o.Exits.Select(Describe))}]",
            o => Vcpu(o.Vcpu).Set("exits", o.Exits),
            v => new KvmRunOp(v.Int("vcpu"), v.Get<IReadOnlyList<GuestEvent>>("exits"))),
        Op<GetXsaveOp>("kvm_get_xsave", Kvm, OpTarget.Vcpu, OpEffect.None, [OpArg.Vcpu],
            o => $"vcpu{o.Vcpu} KVM_GET_XSAVE", o => Vcpu(o.Vcpu), v => new GetXsaveOp(v.Int("vcpu"))),
        Op<GetXsave2Op>("kvm_get_xsave2", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("size", ArgKind.Int)],
            o => $"vcpu{o.Vcpu} KVM_GET_XSAVE2({o.Size})",
            o => Vcpu(o.Vcpu).Set("size", o.Size),
            v => new GetXsave2Op(v.Int("vcpu"), v.Int("size"))),
        Op<SetXsaveOp>("kvm_set_xsave", Kvm, OpTarget.Vcpu, OpEffect.None,
            [OpArg.Vcpu, new("image", ArgKind.Image)],
            o => $"vcpu{o.Vcpu} KVM_SET_XSAVE({Image(o.Image)})",
            o => Vcpu(o.Vcpu).Set("image", o.Image),
            v => new SetXsaveOp(v.Int("vcpu"), v.Bytes("image"))),
        Op<VcpuInitOp>("vcpu_init", Kvm, OpTarget.Vcpu, OpEffect.None, [OpArg.Vcpu],
            o => $"vcpu{o.Vcpu} INIT", o => Vcpu(o.Vcpu), v => new VcpuInitOp(v.Int("vcpu"))),

        // ---- process exit (kernel/exit.c; listed last so the documentation order above stays as it was)
        Op<ExitGroupOp>("exit_group", Process, OpTarget.Process, OpEffect.ExitsProcess, [OpArg.Pid],
            o => $"p{o.Pid} exit_group()", o => Pid(o.Pid), v => new ExitGroupOp(v.Int("pid"))),
    ];

    private static readonly Dictionary<Type, IKernelOpDescriptor> ByType = All.ToDictionary(d => d.Type);
    private static readonly Dictionary<string, IKernelOpDescriptor> ByName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The descriptor of <paramref name="op"/>'s type; an operation without one is a bug of this table.</summary>
    public static IKernelOpDescriptor For(KernelOp op) =>
        ByType.TryGetValue(op.GetType(), out var d) ? d
            : throw new InvalidOperationException($"{op.GetType().Name} has no entry in KernelOps.All (add its description)");

    public static IKernelOpDescriptor? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The process, thread and vCPU the operation names (null where its target does not have one).</summary>
    public static (int? Pid, int? Tid, int? Vcpu) Address(KernelOp op) =>
        Addressers.TryGetValue(op.GetType(), out var read) ? read(op) : AddressFromValues(op);

    /// <summary>The address from the descriptor's argument values (every argument read: the reference way).</summary>
    public static (int? Pid, int? Tid, int? Vcpu) AddressFromValues(KernelOp op)
    {
        var d = For(op);
        var v = d.Read(op);
        return d.Target switch
        {
            OpTarget.Process => (v.Int("pid"), null, null),
            OpTarget.Thread => (v.Int("pid"), v.Int("tid"), null),
            OpTarget.Vcpu => (null, null, v.Int("vcpu")),
            _ => throw new InvalidOperationException($"{d.Name}: unknown target {d.Target}"),
        };
    }

    /// <summary>
    /// The same address read from the record's own properties named like the target's arguments (Pid, Tid, Vcpu),
    /// for the types that have them: the generator and the comparison ask for it at every step, and reading every
    /// argument (images included) into a table to take one number out cost more than the step.
    /// </summary>
    private static readonly Dictionary<Type, Func<KernelOp, (int?, int?, int?)>> Addressers = All
        .Select(d => (d.Type, Read: Addresser(d)))
        .Where(x => x.Read is not null)
        .ToDictionary(x => x.Type, x => x.Read!);

    private static Func<KernelOp, (int?, int?, int?)>? Addresser(IKernelOpDescriptor d)
    {
        Func<KernelOp, int>? Getter(string name) =>
            d.Type.GetProperty(name) is { PropertyType: var t } property && t == typeof(int)
                ? op => (int)property.GetValue(op)!
                : null;
        var (pid, tid, vcpu) = (Getter("Pid"), Getter("Tid"), Getter("Vcpu"));
        return d.Target switch
        {
            OpTarget.Process when pid is not null => op => (pid(op), null, null),
            OpTarget.Thread when pid is not null && tid is not null => op => (pid(op), tid(op), null),
            OpTarget.Vcpu when vcpu is not null => op => (null, null, vcpu(op)),
            _ => null,
        };
    }

    private static KernelOpDescriptor<T> Op<T>(string name, ContractPart part, OpTarget target, OpEffect effect, OpArg[] args,
        Func<T, string> text, Func<T, OpValues> read, Func<OpValues, T> create) where T : KernelOp =>
        new(name, part, target, effect, args, text, read, create);

    private static OpValues Pid(int pid) => new OpValues().Set("pid", pid);
    private static OpValues Thread(int pid, int tid) => Pid(pid).Set("tid", tid);
    private static OpValues Vcpu(int vcpu) => new OpValues().Set("vcpu", vcpu);
}
