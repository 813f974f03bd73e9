using System.Text;
using Xsave.Contract.Linux;

namespace Xsave.Properties.Generators;

/// <summary>
/// A kernel booted on one CPU with one configuration, and the operations applied to it in order: the input of the
/// Linux/KVM laws (model-based testing: random sequences of system calls, ioctls and events).
/// </summary>
public sealed record KernelScenario(CpuCase Cpu, KernelConfig Config, IReadOnlyList<KernelOp> Ops)
{
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Cpu).Append(" policy=").Append(Config.Policy).Append(Config.Is64Bit ? "" : " 32-bit");
        for (int i = 0; i < Ops.Count; i++) sb.Append("\n  ").Append(i).Append(": ").Append(OpText.Describe(Ops[i]));
        return sb.ToString();
    }
}

/// <summary>One-line descriptions of operations, for counterexamples people read.</summary>
public static class OpText
{
    public static string Describe(KernelOp op) => op switch
    {
        ArchPrctlOp o => $"p{o.Pid} arch_prctl({ArchPrctlName(o.Option)}, {(o.Option is 0x1023 or 0x1025 ? o.Arg.ToString(System.Globalization.CultureInfo.InvariantCulture) : o.BadPointer ? "bad pointer" : "&u64")})",
        SigaltstackOp o => $"p{o.Pid}.t{o.Tid} sigaltstack(size={o.Size})",
        SpawnThreadOp o => $"p{o.Pid} clone(CLONE_THREAD)",
        ForkOp o => $"p{o.Pid} fork()",
        ExecOp o => $"p{o.Pid} execve()",
        XfdFaultOp o => $"p{o.Pid}.t{o.Tid} #NM XFD_ERR={o.XfdErr}",
        PtraceGetXstateOp o => $"ptrace(GETREGSET, p{o.Pid}.t{o.Tid}, iov_len={o.IovLen})",
        PtraceSetXstateOp o => $"ptrace(SETREGSET, p{o.Pid}.t{o.Tid}, {Image(o.Data)})",
        KvmCheckExtensionOp o => $"p{o.Pid} KVM_CHECK_EXTENSION({o.Capability})",
        KvmGetSupportedCpuidOp o => $"p{o.Pid} KVM_GET_SUPPORTED_CPUID",
        VcpuCreateOp o => $"p{o.Pid} KVM_CREATE_VCPU",
        VcpuDestroyOp o => $"vcpu{o.Vcpu} destroy",
        SetCpuid2Op o => $"vcpu{o.Vcpu} KVM_SET_CPUID2({string.Join(", ", o.Entries.Select(e => $"0x{e.Function:x}.{e.Index}: eax=0x{e.Regs.Eax:x} ecx=0x{e.Regs.Ecx:x}"))})",
        GetXcrsOp o => $"vcpu{o.Vcpu} KVM_GET_XCRS",
        SetXcrsOp o => $"vcpu{o.Vcpu} KVM_SET_XCRS(flags={o.Flags}, [{string.Join(", ", o.Xcrs.Select(x => $"xcr{x.Xcr}=0x{x.Value:x}"))}])",
        SetMsrOp o => $"vcpu{o.Vcpu} KVM_SET_MSRS(0x{o.Msr:x}=0x{o.Value:x})",
        GetMsrOp o => $"vcpu{o.Vcpu} KVM_GET_MSRS(0x{o.Msr:x})",
        KvmRunOp o => $"vcpu{o.Vcpu} KVM_RUN [{string.Join(", ", o.Exits.Select(Describe))}]",
        GetXsaveOp o => $"vcpu{o.Vcpu} KVM_GET_XSAVE",
        GetXsave2Op o => $"vcpu{o.Vcpu} KVM_GET_XSAVE2({o.Size})",
        SetXsaveOp o => $"vcpu{o.Vcpu} KVM_SET_XSAVE({Image(o.Image)})",
        VcpuInitOp o => $"vcpu{o.Vcpu} INIT",
        _ => op.ToString(),
    };

    public static string Describe(GuestEvent e) => e switch
    {
        GuestXsetbv x => $"XSETBV(cpl{x.Cpl}, ecx={x.Ecx}, 0x{x.Value:x})",
        GuestWrmsr w => $"WRMSR(0x{w.Msr:x}, 0x{w.Value:x})",
        GuestRdmsr r => $"RDMSR(0x{r.Msr:x})",
        GuestWritePkru p => $"WRPKRU(0x{p.Value:x})",
        HostKernelFpuUse => "kernel_fpu_begin",
        InitWhileRunning => "INIT",
        _ => e.ToString(),
    };

    /// <summary>An XSAVE image in brief: its length and the header fields that decide its fate.</summary>
    public static string Image(byte[] b) => b.Length < 576
        ? $"{b.Length} bytes"
        : $"{b.Length} bytes, XSTATE_BV=0x{BitConverter.ToUInt64(b, 512):x}, XCOMP_BV=0x{BitConverter.ToUInt64(b, 520):x}, MXCSR=0x{BitConverter.ToUInt32(b, 24):x}" +
          (b.AsSpan(528, 48).IndexOfAnyExcept((byte)0) >= 0 ? ", reserved!=0" : "");

    private static string ArchPrctlName(int option) => option switch
    {
        0x1021 => "ARCH_GET_XCOMP_SUPP",
        0x1022 => "ARCH_GET_XCOMP_PERM",
        0x1023 => "ARCH_REQ_XCOMP_PERM",
        0x1024 => "ARCH_GET_XCOMP_GUEST_PERM",
        0x1025 => "ARCH_REQ_XCOMP_GUEST_PERM",
        _ => $"0x{option:x}",
    };
}
