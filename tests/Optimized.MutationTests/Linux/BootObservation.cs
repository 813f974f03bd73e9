using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Properties.Tests;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Boots the optimized kernel and the oracle on one CPU and configuration, then reads back through the contract what
/// fpu__init_system left behind (SPEC R30-R45, R54): the boot summary and the first task's fpstate (its size, masks,
/// XFD and the hash of the bytes copied from init_fpstate), AT_MINSIGSTKSZ (max_frame_size), the ptrace regset
/// (xstate_offsets/sizes, the uncompact order, xstate_fx_sw_bytes), a signal frame and its sigreturn (OSPKE, magic2),
/// the arch_prctl masks, AMX permission and a first #NM (init_fpstate.xfd), KVM's capabilities and supported CPUID
/// (the boot CPU's capability bits) and a vCPU's first KVM_GET_XSAVE/XCRS/XSS (guest_default_cfg). Every outcome and
/// every state after a step must be the oracle's (Differential.Kernels).
/// </summary>
internal static class BootObservation
{
    private const ulong TileData = 1UL << 18;

    /// <summary>Boots both and compares; the reference's boot summary, for pinning.</summary>
    public static BootSummary Observe(CpuModel cpu, KernelConfig config)
    {
        var w = Differential.Kernels(cpu, config);
        if (w.Boot.Failed) return w.Boot;
        int big = 16384;
        w.Do(new MinSigStkSzOp(1));
        w.Do(new PtraceGetXstateOp(1, 0, big));
        // Signal frames are modelled for 64-bit kernels only (ia32 frames are not part of the contract's model).
        if (config.Is64Bit)
        {
            w.Do(new SignalDeliverOp(1, 0));
            w.Do(new SigreturnOp(1, 0, []));
        }
        w.Do(new ArchPrctlOp(1, Uapi.ArchPrctl.GetXcompSupp, 0x7000));
        w.Do(new ArchPrctlOp(1, Uapi.ArchPrctl.GetXcompPerm, 0x7000));
        w.Do(new ArchPrctlOp(1, Uapi.ArchPrctl.GetXcompGuestPerm, 0x7000));
        w.Do(new KvmCheckExtensionOp(1, Uapi.KvmCap.Xsave));
        w.Do(new KvmCheckExtensionOp(1, Uapi.KvmCap.Xcrs));
        w.Do(new KvmCheckExtensionOp(1, Uapi.KvmCap.Xsave2));
        w.Do(new KvmGetSupportedCpuidOp(1));
        w.Do(new ForkOp(1));
        var vcpu = w.Do(new VcpuCreateOp(1)).Created;
        if (vcpu is int v)
        {
            w.Do(new GetXsaveOp(v));
            w.Do(new GetXsave2Op(v, big));
            w.Do(new GetXcrsOp(v));
            w.Do(new GetMsrOp(v, Uapi.Msr.Ia32Xss));
        }
        w.Do(new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompPerm, 18));
        w.Do(new XfdFaultOp(1, 0, new FeatureMask(TileData)));
        w.Do(new PtraceGetXstateOp(1, 0, big));
        w.Do(new SpawnThreadOp(1));
        w.Do(new MinSigStkSzOp(1));
        return w.Boot;
    }
}
