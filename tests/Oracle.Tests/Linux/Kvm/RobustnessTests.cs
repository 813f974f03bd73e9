namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// "Bad input never yields a stack trace": every modelled ioctl, exit handler and UABI path runs to a result on every
/// corpus profile, the anomalous ones (missing or zero sub-leaves) included, with garbage and all-ones buffers.
/// </summary>
public class RobustnessTests
{
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void EveryOperation_ReturnsAResult(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        var kvm = LoadKvm(boot);
        var process = LinuxProcess.Start(boot);
        process.ArchPrctl(ArchPrctlOptions.ReqXcompGuestPerm, ArchPrctlOptions.XcompTileData);
        var vcpu = Vcpu.Create(kvm, process).Vcpu!;
        vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: true, ibt: true));
        vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, vcpu.Cpuid.GuestSupportedXcr0.Bits | 1)));
        vcpu.SetMsrs((MsrIndex.Ia32Xss, vcpu.Cpuid.GuestSupportedXss.Bits), (MsrIndex.Ia32Pl0Ssp, 0x5000),
            (MsrIndex.Ia32Pl3Ssp, 0x6000), (MsrIndex.Ia32UCet, 1), (MsrIndex.Ia32Xfd, 1UL << 18));

        var rng = new Random(id.Length);
        foreach (var fill in new Func<byte[], byte[]>[] { b => b, b => { rng.NextBytes(b); return b; }, b => { Array.Fill(b, (byte)0xFF); return b; } })
        {
            var image = fill(vcpu.GetXsave2().Value);
            vcpu.SetXsave(image);
            var valid = vcpu.GetXsave2().Value;
            Put64(valid, 512, (vcpu.Cpuid.GuestSupportedXcr0 | ArchMasks.FpSse).Bits);
            vcpu.SetXsave(valid);
        }
        vcpu.Init();
        vcpu.Run(v => v.Fpu.KernelFpuBegin(), v => v.Msrs.GuestWrmsr(MsrIndex.Ia32Xfd, 0), v => v.Init(), v => v.Xcrs.GuestXsetbv(0, 0, 0x3));
        vcpu.GetMsrs(MsrIndex.Ia32Xss, MsrIndex.Ia32Xfd, MsrIndex.Ia32XfdErr, MsrIndex.Ia32UCet, MsrIndex.Ia32Pl0Ssp);
        vcpu.GetCpuid2();
        vcpu.GetXsave();
        vcpu.Destroy();

        var task = process.Leader.Fpu.Fpstate;
        var pkru = new PkruHolder(0x55555554);
        int size = (int)boot.User.MaxSize;
        var regset = XstateRegset.Get(boot, task, pkru.Value, size);
        if (boot.XsaveEnabled)
        {
            var all = regset.Data;
            Put64(all, 512, task.UserXfeatures.Bits);
            XstateRegset.Set(boot, task, pkru, all, size);
        }
        var frame = SignalFrame.Setup(boot, task, pkru.Value);
        SigReturn.Restore(boot, task, pkru, frame);
        rng.NextBytes(frame);
        SigReturn.Restore(boot, task, pkru, frame);
        SigReturn.Restore(boot, task, pkru, new byte[16]);
    }
}
