using System.Text.Json;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// The oracle through the contract's IKernel: names, outcomes and snapshots. Expected values are SPEC's and the
/// kernel observations' (the same facts the model's own tests check), here seen from user space.
/// </summary>
public class OracleKernelTests
{
    private const int ArchGetXcompSupp = 0x1021, ArchGetXcompGuestPerm = 0x1024, ArchReqXcompGuestPerm = 0x1025;
    private const int KvmCapXsave2 = 208;
    private const ulong UserPointer = 0x7ffd_0000; // GET options store through a pointer; NULL faults (KO §2)

    private static OracleKernel Spr() => new(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default);

    private static CpuidEntry Leaf0D(uint index, uint eax, uint ebx = 0, uint ecx = 0, uint edx = 0) => new(0xD, index, new CpuidRegs(eax, ebx, ecx, edx));

    [Fact]
    public void AmxGuest_R75_R78_R88_R89()
    {
        var k = Spr();
        Assert.Equal(0x602e7UL, k.Apply(new ArchPrctlOp(1, ArchGetXcompSupp, UserPointer)).Value);         // R64
        Assert.Equal(4096, k.Apply(new KvmCheckExtensionOp(1, KvmCapXsave2)).Result);             // R88: AMX not permitted yet
        Assert.Equal(0, k.Apply(new ArchPrctlOp(1, ArchReqXcompGuestPerm, 18)).Result);            // R65
        Assert.Equal(11008, k.Apply(new KvmCheckExtensionOp(1, KvmCapXsave2)).Result);            // R88: std size of 0x602e7
        var vcpu = k.Apply(new VcpuCreateOp(1));
        Assert.Equal(0, vcpu.Created);
        Assert.Equal(0, k.Apply(new SetCpuid2Op(0, [Leaf0D(0, 0x602e7), Leaf0D(1, 0x1f)])).Result); // R78: permitted -> realloc
        Assert.Equal(-(long)Errno.EINVAL, k.Apply(new GetXsaveOp(0)).Result);                      // R89: uabi_size > 4096
        var image = k.Apply(new GetXsave2Op(0, 11008));
        Assert.Equal(0, image.Result);
        Assert.Equal(11008, image.Data!.Length);

        var snap = k.Snapshot()!;
        Assert.True(snap.Processes[0].GuestPerm.StatePerm.Contains(63));                          // R63: locked at the first vCPU
        Assert.Equal((uint)11008, snap.Vcpus[0].UabiSize);                                        // I9
        Assert.Equal(snap.Vcpus[0].GuestFpuXfeatures, snap.Vcpus[0].Fpstate!.Xfeatures);         // I9 / H4
    }

    [Fact]
    public void LockedGuestPermissions_R65_Ebusy()
    {
        var k = Spr();
        k.Apply(new VcpuCreateOp(1));
        Assert.Equal(-(long)Errno.EBUSY, k.Apply(new ArchPrctlOp(1, ArchReqXcompGuestPerm, 18)).Result);
        Assert.Equal(0x2e7UL | 0x20000, k.Apply(new ArchPrctlOp(1, ArchGetXcompGuestPerm, UserPointer)).Value); // R64: user bits only
    }

    [Fact]
    public void ForkAndThreads_AreNamedInCreationOrder()
    {
        var k = Spr();
        Assert.Equal(1, k.Apply(new SpawnThreadOp(1)).Created);
        Assert.Equal(2, k.Apply(new ForkOp(1)).Created);
        var snap = k.Snapshot()!;
        Assert.Equal([1, 2], snap.Processes.Select(p => p.Pid));
        Assert.Equal(2, snap.Processes[0].Threads.Count);
    }

    [Fact]
    public void KvmRun_ReportsEachGuestEvent_R80()
    {
        var k = Spr();
        k.Apply(new VcpuCreateOp(1));
        k.Apply(new SetCpuid2Op(0, [Leaf0D(0, 0x2e7), Leaf0D(1, 0x1f)]));
        var run = k.Apply(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7), new GuestXsetbv(0, 0, 0x5), new GuestXsetbv(3, 0, 0x3)]));
        Assert.Equal(0, run.Result);
        Assert.Equal(["completed", "#GP", "#GP"], run.Exits!.Select(e => e.ToString()));   // R80: AVX without SSE; CPL 3
        Assert.Equal(FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm), k.Snapshot()!.Vcpus[0].Xcr0);
    }

    [Fact]
    public void Operations_RoundTripThroughJson()
    {
        KernelOp[] ops =
        [
            new ArchPrctlOp(1, 0x1023, 18), new SigaltstackOp(1, 0, 8192), new SetCpuid2Op(0, [Leaf0D(0, 0x2e7)]),
            new KvmRunOp(0, [new GuestXsetbv(0, 0, 7), new HostKernelFpuUse(), new InitWhileRunning()]),
            new XfdFaultOp(1, 0, FeatureMask.Of(XFeature.XtileData)), new SetXsaveOp(0, new byte[8]),
        ];
        foreach (var op in ops)
        {
            var json = JsonSerializer.Serialize<KernelOp>(op);
            var back = JsonSerializer.Deserialize<KernelOp>(json)!;
            Assert.Equal(JsonSerializer.Serialize(op, op.GetType()), JsonSerializer.Serialize(back, back.GetType()));
        }
        Assert.Contains("\"op\":\"arch_prctl\"", JsonSerializer.Serialize<KernelOp>(ops[0]));
    }
}

/// <summary>R43/R44: without XSAVE the task buffers are legacy images with no header; the oracle still reports them.</summary>
public class OracleKernelLegacyTests
{
    [Fact]
    public void NoXsave_SnapshotReportsEmptyHeader_R43()
    {
        var k = new OracleKernel(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default with { NoXsave = true });
        Assert.False(k.Boot.Xsave);
        var fps = k.Snapshot()!.Processes[0].Threads[0].Fpstate;
        Assert.Equal(512u, fps.Size);                       // R43: FXSR -> 512-byte fxregs_state
        Assert.Equal(FeatureMask.None, fps.XstateBv);
        Assert.Equal(FeatureMask.None, fps.XcompBv);
        Assert.Equal(2, k.Apply(new ForkOp(1)).Created);     // and the world still works
    }
}

/// <summary>copy_thread: "p->thread.pkru = read_pkru()" — a child starts with its parent's PKRU.</summary>
public class OracleKernelPkruTests
{
    [Fact]
    public void ForkAndClone_InheritThePkruPtraceSet()
    {
        var k = new OracleKernel(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default);
        int full = (int)k.Boot.User.MaxSize;                 // 11008: the regset is the whole standard area (R71)
        var image = new byte[full];
        BitConverter.TryWriteBytes(image.AsSpan(0, 2), (ushort)0x037F);
        BitConverter.TryWriteBytes(image.AsSpan(24, 4), 0x1F80u);
        BitConverter.TryWriteBytes(image.AsSpan(512, 8), 0x203UL);       // x87 | SSE | PKRU
        BitConverter.TryWriteBytes(image.AsSpan(2688, 4), 0x12345678u);  // PKRU at its standard offset on SPR
        Assert.Equal(0, k.Apply(new PtraceSetXstateOp(1, 0, image)).Result);
        k.Apply(new ForkOp(1));
        k.Apply(new SpawnThreadOp(1));
        foreach (var (pid, tid) in new[] { (2, 0), (1, 1) })
        {
            var data = k.Apply(new PtraceGetXstateOp(pid, tid, full)).Data!;
            Assert.Equal(0x12345678u, BitConverter.ToUInt32(data, 2688));
        }
    }
}
