using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Oracle;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Properties.Laws;
using Xsave.TestSupport;

namespace Xsave.Properties.Tests;

/// <summary>
/// Differential smoke test of the Linux process part (SPEC part B, R58-R71): fixed operation sequences applied to
/// <see cref="OptimizedImplementation"/> and <see cref="OracleImplementation"/> booted on the same CPU — the observed
/// Zen 5 host (KO §1a), Sapphire Rapids (AMX, XFD, PKRU), a Skylake client (MPX, no supervisor state) and Zen 1 (erratum
/// 1386). After every step both <see cref="KernelOutcome"/>s and both <see cref="KernelSnapshot"/>s must be equal. A few
/// results are also pinned to their SPEC/KO value, so that a sequence which stopped reaching its path fails instead of
/// agreeing vacuously.
/// </summary>
public class KernelSmokeTests
{
    private const int GetSupp = 0x1021, GetPerm = 0x1022, ReqPerm = 0x1023, GetGuestPerm = 0x1024, ReqGuestPerm = 0x1025;
    private const long EINVAL = -22, EFAULT = -14, EOPNOTSUPP = -95, EBUSY = -16, ENOSPC = -28, ENOMEM = -12, EPERM = -1;
    private const ulong TileData = 1UL << 18;

    public static TheoryData<string> Machines() => new() { "observed-zen5", "intel-sapphirerapids-806f8", "intel-skylake-506e3", "amd-zen-800f11" };

    private static CpuModel Cpu(string id) => id == "observed-zen5" ? ObservedHost.Zen5() : Corpus.Cpu(id);

    [Theory]
    [MemberData(nameof(Machines))]
    public void ArchPrctl_HostAndGuest_GetAndReqWithErrors(string id)
    {
        var w = Differential.Kernels(Cpu(id));
        foreach (int option in new[] { GetSupp, GetPerm, GetGuestPerm })
        {
            w.Do(new ArchPrctlOp(1, option, 0x7000));
            Assert.Equal(EFAULT, w.Do(new ArchPrctlOp(1, option, 0)).Result);
            Assert.Equal(EFAULT, w.Do(new ArchPrctlOp(1, option, 1, BadPointer: true)).Result);
        }
        Assert.Equal(EINVAL, w.Do(new ArchPrctlOp(1, 0x1020, 0x7000)).Result);
        Assert.Equal(EINVAL, w.Do(new ArchPrctlOp(1, 0x1026, 0x7000)).Result);
        foreach (int option in new[] { ReqPerm, ReqGuestPerm })
        {
            foreach (ulong idx in new ulong[] { 0, 1, 2, 9, 11, 12, 17, 19 })
                Assert.Equal(EOPNOTSUPP, w.Do(new ArchPrctlOp(1, option, idx)).Result);
            foreach (ulong idx in new ulong[] { 20, 63, ulong.MaxValue })
                Assert.Equal(EINVAL, w.Do(new ArchPrctlOp(1, option, idx)).Result);
        }
        // 18: -EOPNOTSUPP without AMX (KO §2), granted with it; twice is fine (R65 step 4).
        bool amx = (w.Boot.User.MaxFeatures.Bits & TileData) != 0;
        Assert.Equal(amx ? 0 : EOPNOTSUPP, w.Do(new ArchPrctlOp(1, ReqPerm, 18)).Result);
        w.Do(new ArchPrctlOp(1, ReqPerm, 18));
        w.Do(new ArchPrctlOp(1, GetPerm, 0x7000));

        // Guest permission: a second process asks after its first vCPU (-EBUSY with AMX), the first one before.
        Assert.Equal(2, w.Do(new ForkOp(1)).Created);
        Assert.Equal(3, w.Do(new ForkOp(1)).Created);
        w.Do(new ArchPrctlOp(2, ReqGuestPerm, 18));
        w.Do(new VcpuCreateOp(2));
        w.Do(new VcpuCreateOp(3));
        Assert.Equal(amx ? EBUSY : EOPNOTSUPP, w.Do(new ArchPrctlOp(3, ReqGuestPerm, 18)).Result);
        Assert.Equal(amx ? 0 : EOPNOTSUPP, w.Do(new ArchPrctlOp(2, ReqGuestPerm, 18)).Result);
        w.Do(new ArchPrctlOp(2, GetGuestPerm, 0x7000));
        w.Do(new ArchPrctlOp(3, GetGuestPerm, 0x7000));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Sigaltstack_BeforeAndAfterPermission(string id)
    {
        var w = Differential.Kernels(Cpu(id));
        // KO §6a: the MINSIGSTKSZ check.
        Assert.Equal(ENOMEM, w.Do(new SigaltstackOp(1, 0, 1024)).Result);
        Assert.Equal(ENOMEM, w.Do(new SigaltstackOp(1, 0, 2047)).Result);
        Assert.Equal(0, w.Do(new SigaltstackOp(1, 0, 2048)).Result);
        w.Do(new SpawnThreadOp(1));
        w.Do(new SigaltstackOp(1, 1, 4096));
        // R65: with AMX the 2048/4096-byte stacks are too small for the larger frame -> -ENOSPC, nothing granted.
        long req = w.Do(new ArchPrctlOp(1, ReqPerm, 18)).Result;
        bool amx = (w.Boot.User.MaxFeatures.Bits & TileData) != 0;
        Assert.Equal(amx ? ENOSPC : EOPNOTSUPP, req);
        w.Do(new SigaltstackOp(1, 0, 0));
        w.Do(new SigaltstackOp(1, 1, 65536));
        w.Do(new ArchPrctlOp(1, ReqPerm, 18));
        // R66: after the permission a small stack is refused (-ENOMEM) with AMX; the old one is kept.
        w.Do(new SigaltstackOp(1, 0, 4096));
        w.Do(new SigaltstackOp(1, 1, 3000));
        w.Do(new SigaltstackOp(1, 1, 65536));
        w.Do(new SigaltstackOp(1, 0, 12000));
        w.Do(new SigaltstackOp(1, 0, 0));

        // Strict mode checks even without a dynamic feature.
        var strict = Differential.Kernels(Cpu(id), KernelConfig.Default with { StrictSigaltstackSize = true });
        foreach (ulong size in new ulong[] { 2048, 3000, 3376, 3377, 4096, 12000, 0 })
            strict.Do(new SigaltstackOp(1, 0, size));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void ForkExecSpawn_AndXfdNm(string id)
    {
        var w = Differential.Kernels(Cpu(id));
        bool amx = (w.Boot.User.MaxFeatures.Bits & TileData) != 0;
        Assert.Equal(1, w.Do(new SpawnThreadOp(1)).Created);
        // R59: #NM before the permission -> SIGILL with AMX, "not an XFD #NM" without XFD.
        Assert.Equal(amx ? "SIGILL" : "unexpected #NM", w.Do(new XfdFaultOp(1, 1, new FeatureMask(TileData))).Signal?.Name());
        w.Do(new XfdFaultOp(1, 0, FeatureMask.None));
        w.Do(new XfdFaultOp(1, 0, new FeatureMask(1UL << 17)));
        w.Do(new SigaltstackOp(1, 0, 65536));
        w.Do(new ArchPrctlOp(1, ReqPerm, 18));
        // After it: the thread's fpstate grows (R57), only that thread's.
        var nm = w.Do(new XfdFaultOp(1, 1, new FeatureMask(TileData)));
        if (amx) Assert.Null(nm.Signal);
        w.Do(new XfdFaultOp(1, 1, new FeatureMask(TileData)));
        // R61: a fork inherits the permission (dynamic sizing) but not the TILEDATA state; its #NM succeeds at once.
        Assert.Equal(2, w.Do(new ForkOp(1)).Created);
        w.Do(new XfdFaultOp(2, 0, new FeatureMask(TileData)));
        w.Do(new SpawnThreadOp(2));
        w.Do(new ForkOp(2));
        // exec resets permissions, threads and sigaltstack; #NM is refused again.
        w.Do(new ExecOp(1));
        w.Do(new XfdFaultOp(1, 0, new FeatureMask(TileData)));
        w.Do(new ArchPrctlOp(1, GetPerm, 0x7000));
        w.Do(new SpawnThreadOp(1));
        w.Do(new ExecOp(2));
        w.Do(new ForkOp(3));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Ptrace_GetSet_WithBadHeaders(string id)
    {
        var w = Differential.Kernels(Cpu(id));
        int full = (int)w.Boot.User.MaxSize;
        // KO §6b: lengths.
        foreach (int len in new[] { 0, 8, 512, 576, full, 4096, 8192 })
            Assert.Equal(0, w.Do(new PtraceGetXstateOp(1, 0, len)).Result);
        Assert.Equal(EINVAL, w.Do(new PtraceGetXstateOp(1, 0, full - 1)).Result);
        Assert.Equal(EINVAL, w.Do(new PtraceGetXstateOp(1, 0, 11)).Result);

        ulong everything = w.Boot.User.MaxFeatures.Bits & ~TileData; // user_xfeatures of a task without AMX enabled
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, Image(full, everything))).Result);
        w.Do(new PtraceGetXstateOp(1, 0, full));
        Assert.Equal(0, w.Do(new PtraceSetXstateOp(1, 0, Image(full + 1024, everything))).Result);
        Assert.Equal(EFAULT, w.Do(new PtraceSetXstateOp(1, 0, Image(full, everything)[..512])).Result);
        Assert.Equal(EINVAL, w.Do(new PtraceSetXstateOp(1, 0, Image(full + 4, everything))).Result);

        // R68: unknown/supervisor bits, XCOMP_BV, reserved bytes; R69: MXCSR.
        foreach (int bit in new[] { 3, 9, 11, 12, 18, 63 })
            w.Do(new PtraceSetXstateOp(1, 0, Image(full, everything | 1UL << bit)));
        w.Do(new PtraceSetXstateOp(1, 0, With(Image(full, everything), 520, 1)));
        w.Do(new PtraceSetXstateOp(1, 0, With(Image(full, everything), 528, 1)));
        w.Do(new PtraceSetXstateOp(1, 0, With(Image(full, everything), 575, 0x80)));
        w.Do(new PtraceSetXstateOp(1, 0, Mxcsr(Image(full, everything), 0x11F80)));
        w.Do(new PtraceSetXstateOp(1, 0, Mxcsr(Image(full, 0x4), 0x11F80)));
        w.Do(new PtraceSetXstateOp(1, 0, Mxcsr(Image(full, 0), 0x11F80)));
        w.Do(new PtraceSetXstateOp(1, 0, Mxcsr(Image(full, everything), 0x21F80)));
        w.Do(new PtraceSetXstateOp(1, 0, Image(full, 0x3)));
        w.Do(new PtraceGetXstateOp(1, 0, full));

        // PKRU bit clear (H18), then a thread and a fork read their own state.
        w.Do(new PtraceSetXstateOp(1, 0, Image(full, everything & ~(1UL << 9))));
        w.Do(new PtraceGetXstateOp(1, 0, full));
        w.Do(new SpawnThreadOp(1));
        w.Do(new PtraceGetXstateOp(1, 1, full));
        w.Do(new ForkOp(1));
        w.Do(new PtraceGetXstateOp(2, 0, full));

        // With AMX enabled the regset carries TILEDATA too.
        w.Do(new ArchPrctlOp(1, ReqPerm, 18));
        w.Do(new XfdFaultOp(1, 0, new FeatureMask(TileData)));
        w.Do(new PtraceSetXstateOp(1, 0, Image(full, w.Boot.User.MaxFeatures.Bits)));
        w.Do(new PtraceGetXstateOp(1, 0, full));
        w.Do(new PtraceGetXstateOp(1, 1, full));
    }

    /// <summary>
    /// A standard-format image of <paramref name="length"/> bytes: FCW/MXCSR defaults, a byte pattern everywhere else,
    /// a clean header with XSTATE_BV = <paramref name="bv"/>.
    /// </summary>
    private static byte[] Image(int length, ulong bv)
    {
        var image = new byte[length];
        for (int i = 0; i < length; i++) image[i] = (byte)(i * 7 + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0), 0x37F);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(24), 0x1F80);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(28), 0xFFFF);
        image.AsSpan(512, 64).Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(512), bv);
        return image;
    }

    private static byte[] With(byte[] image, int offset, byte value)
    {
        image[offset] = value;
        return image;
    }

    private static byte[] Mxcsr(byte[] image, uint mxcsr)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(24), mxcsr);
        return image;
    }
}
