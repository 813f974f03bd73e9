using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// After exit_group() a process can make no system call and cannot be traced (ExitGroupOp): every operation naming it —
/// each kind, its only thread included — is -ESRCH and changes nothing, while its parent goes on. On Sapphire Rapids
/// (AMX, so REQ_XCOMP_PERM and #NM are real paths). Every step must be the oracle's; each -ESRCH is pinned.
/// </summary>
public class ExitedProcessTests
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private const long Esrch = -3;

    public static TheoryData<string> Kinds() => new()
    {
        "arch_prctl", "sigaltstack", "spawn", "fork", "exec", "exit", "xfd", "pkru", "ptrace-get", "ptrace-set",
        "kvm-check", "kvm-cpuid", "vcpu-create", "signal", "sigreturn", "minsigstksz",
    };

    private static KernelOp Op(string kind) => kind switch
    {
        "arch_prctl" => new ArchPrctlOp(2, 0x1022, 0x7000),
        "sigaltstack" => new SigaltstackOp(2, 0, 8192),
        "spawn" => new SpawnThreadOp(2),
        "fork" => new ForkOp(2),
        "exec" => new ExecOp(2),
        "exit" => new ExitGroupOp(2),
        "xfd" => new XfdFaultOp(2, 0, new FeatureMask(1UL << 18)),
        "pkru" => new WritePkruOp(2, 0, 0xC),
        "ptrace-get" => new PtraceGetXstateOp(2, 0, 4096),
        "ptrace-set" => new PtraceSetXstateOp(2, 0, SigFrameImage.Regs(11008, 0x3)),
        "kvm-check" => new KvmCheckExtensionOp(2, 1),
        "kvm-cpuid" => new KvmGetSupportedCpuidOp(2),
        "vcpu-create" => new VcpuCreateOp(2),
        "signal" => new SignalDeliverOp(2, 0),
        "sigreturn" => new SigreturnOp(2, 0, []),
        "minsigstksz" => new MinSigStkSzOp(2),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryOperationOnAnExitedProcess_IsEsrch(string kind)
    {
        var steps = KernelDifferential.Run(Spr,
            new ForkOp(1),
            new SignalDeliverOp(2, 0),
            new ExitGroupOp(2),
            Op(kind),
            new ArchPrctlOp(1, 0x1022, 0x7000));
        Assert.Equal(Esrch, steps[3].Outcome!.Result);
        Assert.Equal(0, steps[4].Outcome!.Result);
    }
}
