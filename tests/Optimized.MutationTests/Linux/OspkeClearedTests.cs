using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// PKRU on Sapphire Rapids booted with clearcpuid=ospke and with protection keys compiled out (R61a, R72): the kernel
/// then neither loads init_pkru_value at execve or for a signal handler nor forces PKRU into the frame. A WRPKRU, a
/// signal, sigreturn, fork and exec, with the task's buffer read through ptrace: every step must be the oracle's.
/// </summary>
public class OspkeClearedTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    public static TheoryData<string> Boots() => new() { "clearcpuid=ospke", "no protection keys", "standard, no protection keys" };

    private static KernelConfig Config(string boot) => boot switch
    {
        "clearcpuid=ospke" => KernelConfig.Default with { ClearCpuid = CpuidFlags.Ospke },
        "no protection keys" => KernelConfig.Default with { ProtectionKeys = false },
        _ => KernelConfig.Default with { ProtectionKeys = false, NoXsaves = true, ClearCpuid = CpuidFlags.Xsavec },
    };

    [Theory]
    [MemberData(nameof(Boots))]
    public void PkruThroughALifecycle(string boot)
    {
        var config = Config(boot);
        int regset = OracleBoot.RegsetSize(Spr, config);
        var steps = KernelDifferential.Run(Spr, config,
            new PtraceGetXstateOp(1, 0, regset),
            new WritePkruOp(1, 0, 0xC),
            new PtraceGetXstateOp(1, 0, regset),
            new SignalDeliverOp(1, 0),
            new PtraceGetXstateOp(1, 0, regset),
            new SigreturnOp(1, 0, []),
            new ForkOp(1),
            new PtraceGetXstateOp(2, 0, regset),
            new ExecOp(1),
            new PtraceGetXstateOp(1, 0, regset));
        Assert.Equal(0, steps[0].Outcome!.Result);
        Assert.Null(steps[5].Outcome!.Signal);
    }
}
