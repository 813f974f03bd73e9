namespace Xsave.Oracle.Tests.Linux.Uabi;

/// <summary>
/// R68-R71 through ptrace NT_X86_XSTATE (KO §6b: "same kernel validator as KVM_SET_XSAVE") on the KO host, PKRU (H18)
/// and gap zeroing (H16) on Sapphire Rapids, and the UABI invariants I13/I14 over the corpus.
/// </summary>
public class UabiRegsetTests
{
    private sealed record Task(BootResult Boot, Fpstate Fps, PkruHolder Pkru);

    private static Task NewTask(BootResult boot) =>
        new(boot, LinuxProcess.Start(boot).Leader.Fpu.Fpstate, new PkruHolder());

    /// <summary>The KO host's task with every user component in use (XSTATE_BV 0xe7) and markers.</summary>
    private static (Task Task, byte[] Image) KoTask()
    {
        var task = NewTask(Zen5Boot());
        var image = XstateRegset.Get(task.Boot, task.Fps, 0, 2432).Data;
        image.AsSpan(160, 16).Fill(0x11);
        image.AsSpan(576, 16).Fill(0x22);
        image.AsSpan(832, 8).Fill(0x33);
        image.AsSpan(1408, 64).Fill(0x55);
        Put64(image, 512, 0xE7);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, 2432));
        return (task, image);
    }

    private static byte[] Get(Task t, int len = 4096) => XstateRegset.Get(t.Boot, t.Fps, t.Pkru.Value, len).Data;

    [Theory]
    [InlineData(8192)]
    [InlineData(4096)]
    public void Get_ReturnsUserMaxSize_Ko6b(int iovLen)
    {
        var (task, image) = KoTask();
        var read = XstateRegset.Get(task.Boot, task.Fps, 0, iovLen);
        Ok(read.Result);
        Assert.Equal(2432, read.Data.Length);
        Assert.Equal(0xE7UL, U64(read.Data, 512));
        Assert.Equal(0UL, U64(read.Data, 520));
        Assert.Equal(0xE7UL, U64(read.Data, 464));
        Assert.All(read.Data.AsSpan(472, 40).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(image, read.Data);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(576)]
    public void Get_ShortIov_IsTruncatedCopy_Ko6b(int iovLen)
    {
        var (task, image) = KoTask();
        var read = XstateRegset.Get(task.Boot, task.Fps, 0, iovLen);
        Ok(read.Result);
        Assert.Equal(image.AsSpan(0, iovLen).ToArray(), read.Data);
    }

    [Theory]
    [InlineData(2431)]
    [InlineData(2433)]
    public void Get_Einval_WhenNotAMultipleOf8_Ko6b(int iovLen)
    {
        var (task, _) = KoTask();
        Fails(Errno.EINVAL, XstateRegset.Get(task.Boot, task.Fps, 0, iovLen).Result);
    }

    [Theory]
    [InlineData(512, Errno.EFAULT)]
    [InlineData(576, Errno.EFAULT)]
    [InlineData(2431, Errno.EINVAL)]
    [InlineData(2433, Errno.EINVAL)]
    public void Set_WrongLength_Ko6b(int iovLen, Errno errno)
    {
        var (task, image) = KoTask();
        Fails(errno, XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image.Concat(new byte[4096]).ToArray(), iovLen));
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(2432)]
    public void Set_FullOrLargerLength_Ko6b(int iovLen)
    {
        var (task, image) = KoTask();
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image.Concat(new byte[4096]).ToArray(), iovLen));
    }

    /// <summary>R68: XSTATE_BV bits 3/9/11/12/63, XCOMP_BV != 0, header bytes 16/24/63 -> -EINVAL (KO §6b).</summary>
    [Theory]
    [InlineData(512, 0xEFUL)]
    [InlineData(512, 0x2E7UL)]
    [InlineData(512, 0x8E7UL)]
    [InlineData(512, 0x10E7UL)]
    [InlineData(512, 0x80000000000000E7UL)]
    [InlineData(520, 0x1UL)]
    [InlineData(520, 0x80000000000000E7UL)]
    [InlineData(528, 0x1UL)]
    [InlineData(536, 0x1UL)]
    [InlineData(568, 0x0100000000000000UL)]
    public void Set_Einval_ForBadHeader_R68(int offset, ulong value)
    {
        var (task, image) = KoTask();
        var before = (byte[])task.Fps.Regs.Clone();
        Put64(image, offset, value);
        Fails(Errno.EINVAL, XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, 2432));
        Assert.Equal(before, task.Fps.Regs); // I14: nothing copied
    }

    [Theory]
    [InlineData(0x11F80u, 0xE7UL, false)]
    [InlineData(0x11F80u, 0x1UL, false)]
    [InlineData(0x11F80u, 0x4UL, false)]
    [InlineData(0x11F80u, 0x0UL, true)]
    [InlineData(0x11F80u, 0xE0UL, true)]
    [InlineData(0x21F80u, 0xE7UL, true)]
    public void Set_Mxcsr_ValidatedOnlyWithFpSseYmm_R69(uint mxcsr, ulong xstateBv, bool accepted)
    {
        var (task, image) = KoTask();
        Put32(image, 24, mxcsr);
        Put64(image, 512, xstateBv);
        var r = XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, 2432);
        if (!accepted)
        {
            Fails(Errno.EINVAL, r);
            return;
        }
        Ok(r);
        Assert.Equal((xstateBv & 6) != 0 ? mxcsr : 0x1F80u, U32(Get(task), 24));
    }

    [Theory]
    [InlineData(0x3UL)]
    [InlineData(0x0UL)]
    [InlineData(0x4UL)]
    public void Set_DroppedComponentsReadBackAsInit_Ko6b(ulong xstateBv)
    {
        var (task, image) = KoTask();
        Put64(image, 512, xstateBv);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, 2432));
        var back = Get(task);
        Assert.Equal(xstateBv, U64(back, 512));
        Assert.Equal((xstateBv & 2) != 0 ? 0x11 : 0, back[160]);
        Assert.Equal((xstateBv & 4) != 0 ? 0x22 : 0, back[576]);
        Assert.Equal(0, back[832]);
        Assert.Equal(0, back[1408]);
    }

    [Fact]
    public void Set_IgnoresSwBytes_AndGetRewritesThem_R70()
    {
        var (task, image) = KoTask();
        image.AsSpan(464, 48).Fill(0x5A);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, 2432));
        var back = Get(task);
        Assert.Equal(0xE7UL, U64(back, 464));
        Assert.All(back.AsSpan(472, 40).ToArray(), b => Assert.Equal(0, b));
    }

    /// <summary>
    /// H18: ptrace emulates XRSTOR for PKRU: bit set -> the buffer's value, bit clear -> 0 (UabiToXstate.Copy's
    /// "else if (pkru is not null) pkru.Value = 0"). GET writes the task's current PKRU, not the buffer's (R70).
    /// PKRU on SPR: offset 0xA80, 8 bytes (corpus sub-leaf 9).
    /// </summary>
    [Fact]
    public void Set_Pkru_FollowsTheHeaderBit_H18()
    {
        var task = NewTask(SprBoot());
        Assert.True(task.Fps.UserXfeatures.Contains(XFeature.Pkru));
        int size = (int)task.Boot.User.MaxSize;
        var image = XstateRegset.Get(task.Boot, task.Fps, 0, size).Data;
        Put32(image, 0xA80, 0x1234);
        Put64(image, 512, 0x3 | 1UL << 9);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, size));
        Assert.Equal(0x1234u, task.Pkru.Value);

        task.Pkru.Value = 0x5678; // the tracee ran WRPKRU meanwhile
        Assert.Equal(0x5678u, U32(XstateRegset.Get(task.Boot, task.Fps, task.Pkru.Value, size).Data, 0xA80));

        Put64(image, 512, 0x3);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, size));
        Assert.Equal(0u, task.Pkru.Value);
    }

    /// <summary>R89: KVM_SET_XSAVE is the exception: a clear PKRU bit leaves vcpu.pkru alone (KVM passes NULL).</summary>
    [Fact]
    public void KvmSetXsave_ClearPkruBit_KeepsVcpuPkru_R89()
    {
        var (kvm, process, vcpu) = NewVcpu(SprBoot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        var image = vcpu.GetXsave().Value;
        Put32(image, 0xA80, 0x4444);
        Put64(image, 512, 0x3 | 1UL << 9);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x4444u, vcpu.Fpu.Pkru);
        Put64(image, 512, 0x3);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x4444u, vcpu.Fpu.Pkru);

        vcpu.Fpu.GuestWritePkru(0x8888);
        Put64(image, 512, 0x3 | 1UL << 9);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x4444u, U32(vcpu.GetXsave().Value, 0xA80));
    }

    /// <summary>
    /// H16 gap handling: on SPR the standard format leaves 832..1087 (the MPX area) empty while the compacted kernel
    /// buffer puts opmask at 832. The UABI image zeroes the gap and places every component at its standard offset
    /// (XstateToUabi.Copy's standard-order loop): YMM 576, opmask 0x440, ZMM_Hi256 0x480, Hi16_ZMM 0x680.
    /// </summary>
    [Fact]
    public void Get_ZeroesGapsInStandardOrder_H16()
    {
        var task = NewTask(SprBoot());
        int size = (int)task.Boot.User.MaxSize;
        var image = XstateRegset.Get(task.Boot, task.Fps, 0, size).Data;
        image.AsSpan(576, 256).Fill(0x02);
        image.AsSpan(0x440, 0x40).Fill(0x05);
        image.AsSpan(0x480, 0x200).Fill(0x06);
        image.AsSpan(0x680, 0x400).Fill(0x07);
        Put64(image, 512, 0xE7);
        Ok(XstateRegset.Set(task.Boot, task.Fps, task.Pkru, image, size));
        Assert.True(task.Boot.Compacted);

        var back = XstateRegset.Get(task.Boot, task.Fps, 0, size).Data;
        Assert.Equal(image, back);
        Assert.All(back.AsSpan(832, 1088 - 832).ToArray(), b => Assert.Equal(0, b));
    }

    /// <summary>H16: SET keeps the supervisor bits of the kernel header (UabiToXstate.Copy's SupervisorAll line):
    /// on the KO host a guest's CET_KERNEL state (PL0_SSP) survives KVM_SET_XSAVE.</summary>
    [Fact]
    public void Set_PreservesSupervisorHeaderBits_H16()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process, shstk: true)));
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Pl0Ssp, 0x7000)).Value);
        var image = vcpu.GetXsave().Value;
        Put64(image, 512, 0x3);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x1003UL, vcpu.Fpu.Fpstate.XstateBv);
        Assert.Equal(0x7000UL, vcpu.GetMsrs(MsrIndex.Ia32Pl0Ssp).Value[0]);
    }

    [Fact]
    public void CopyModes_FpAndFx_ReportOnlyLegacyState_R70()
    {
        var (task, image) = KoTask();
        var fx = XstateToUabi.Copy(task.Boot, task.Fps, task.Fps.UserXfeatures, 0, CopyMode.Fx, 512);
        Assert.Equal(image.AsSpan(0, 416).ToArray(), fx.AsSpan(0, 416).ToArray());
        Assert.All(fx.AsSpan(416).ToArray(), b => Assert.Equal(0, b));

        var fp = XstateToUabi.Copy(task.Boot, task.Fps, task.Fps.UserXfeatures, 0, CopyMode.Fp, 512);
        Assert.Equal(0x1F80u, U32(fp, 24)); // SSE not reported: MXCSR from init_fpstate
        Assert.All(fp.AsSpan(160, 256).ToArray(), b => Assert.Equal(0, b));
    }

    /// <summary>A deterministic valid UABI image for a task: every user feature of user_xfeatures filled with a
    /// seeded pattern, XSTATE_BV a seeded subset of them (always with SSE so MXCSR is checked), MXCSR valid.</summary>
    private static byte[] RandomValidImage(BootResult boot, Fpstate fps, int seed)
    {
        var rng = new Random(seed);
        var image = new byte[boot.User.MaxSize];
        var bv = FeatureMask.None;
        foreach (int i in fps.UserXfeatures.Indices())
        {
            if (rng.Next(4) != 0 || i == 1) bv = bv.With(i);
            int off = i == 0 ? 0 : i == 1 ? 160 : boot.Cpu.StandardOffset(i);
            int len = i == 0 ? 160 : i == 1 ? 256 : boot.Cpu.ComponentSize(i);
            rng.NextBytes(image.AsSpan(off, len));
        }
        Put32(image, 24, 0x1F80 | (uint)rng.Next(0, 64)); // exception flags only
        Put32(image, 28, boot.Cpu.MxcsrMask);
        image.AsSpan(416, 96).Clear();
        Put64(image, 512, bv.Bits);
        image.AsSpan(520, 56).Clear();
        return image;
    }

    /// <summary>I13 on every profile: SET(B) then GET gives B's reported features byte for byte, zero gaps, the R70 sw
    /// bytes; supervisor state of the kernel buffer is untouched.</summary>
    [SkippableTheory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void RoundTrip_I13(string id)
    {
        // Applicable to consistent enumerations: in the anomalous dumps (sub-leaves missing or zero, R7) a component
        // of size 0 at offset 0 makes the kernel's own gap walk shift the image, so no round trip is promised there.
        var boot = Boot(Corpus.Cpu(id));
        Skip.IfNot(boot.XsaveEnabled, $"{id}: the kernel does not use XSAVE on this CPU: no xstate regset to round-trip");
        Skip.IfNot(Corpus.Profile(id).Clean, $"{id}: inconsistent dump (R7): no round trip is promised");
        for (int seed = 0; seed < 4; seed++)
        {
            var task = NewTask(boot);
            var image = RandomValidImage(boot, task.Fps, seed);
            var supervisorBefore = SupervisorBytes(boot, task.Fps);
            Ok(XstateRegset.Set(boot, task.Fps, task.Pkru, image, image.Length));
            Assert.Equal(supervisorBefore, SupervisorBytes(boot, task.Fps));

            var back = XstateRegset.Get(boot, task.Fps, task.Pkru.Value, image.Length).Data;
            var bv = new FeatureMask(U64(image, 512));
            Assert.Equal(bv.Bits, U64(back, 512));
            Assert.Equal(boot.User.MaxFeatures.Bits, U64(back, 464));

            var covered = new bool[back.Length];
            foreach (int i in bv.Indices())
            {
                int off = i == 0 ? 0 : i == 1 ? 160 : boot.Cpu.StandardOffset(i);
                int len = i == 0 ? 160 : i == 1 ? 256 : boot.Cpu.ComponentSize(i);
                for (int k = off; k < off + len; k++) covered[k] = true;
                if (i == 0) continue; // x87 bytes compared below around MXCSR
                if (i == (int)XFeature.Pkru)
                {
                    // R70: PKRU is written as struct pkru_state {pkru, pad = 0} from the task's PKRU (set by R69).
                    Assert.Equal(U32(image, off), U32(back, off));
                    Assert.Equal(task.Pkru.Value, U32(back, off));
                    Assert.All(back.AsSpan(off + 4, len - 4).ToArray(), b => Assert.Equal(0, b));
                    continue;
                }
                Assert.True(image.AsSpan(off, len).SequenceEqual(back.AsSpan(off, len)), $"{id} seed {seed}: component {i} at {off}+{len}");
            }
            if (bv.Contains(0))
            {
                Assert.Equal(image.AsSpan(0, 24).ToArray(), back.AsSpan(0, 24).ToArray());
                Assert.Equal(image.AsSpan(32, 128).ToArray(), back.AsSpan(32, 128).ToArray());
            }
            Assert.Equal(U32(image, 24), U32(back, 24));
            for (int k = 576; k < back.Length; k++)
                if (!covered[k]) Assert.True(back[k] == 0, $"{id} seed {seed}: gap byte {k} = 0x{back[k]:x2}");
        }
    }

    /// <summary>I14 on every profile: unknown/supervisor XSTATE_BV bits, XCOMP_BV, reserved bytes and bad MXCSR are
    /// refused with -EINVAL before anything is copied.</summary>
    [SkippableTheory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void Rejections_LeaveTheBufferUnchanged_I14(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        Skip.IfNot(boot.XsaveEnabled, $"{id}: the kernel does not use XSAVE on this CPU: no xstate regset to reject");
        var task = NewTask(boot);
        var good = RandomValidImage(boot, task.Fps, 7);
        var outside = (~task.Fps.UserXfeatures).Indices().Take(64).ToList();
        var mutations = new List<Action<byte[]>>
        {
            b => Put64(b, 520, 1UL << 63),
            b => b[575] = 1,
            b => Put32(b, 24, ~boot.MxcsrFeatureMask),
        };
        mutations.AddRange(outside.Select(bit => (Action<byte[]>)(b => Put64(b, 512, U64(b, 512) | 1UL << bit))));
        foreach (var mutate in mutations)
        {
            var bad = (byte[])good.Clone();
            mutate(bad);
            var before = (byte[])task.Fps.Regs.Clone();
            Fails(Errno.EINVAL, XstateRegset.Set(boot, task.Fps, task.Pkru, bad, bad.Length));
            Assert.Equal(before, task.Fps.Regs);
        }
    }

    private static byte[] SupervisorBytes(BootResult boot, Fpstate fps)
    {
        var bytes = new List<byte>();
        foreach (int i in (fps.Xfeatures & XfeatureMasks.SupervisorAll).Indices())
        {
            int? at = XsaveAddress.Raw(boot, fps, i);
            if (at is not null) bytes.AddRange(fps.Regs.AsSpan(at.Value, boot.Cpu.ComponentSize(i)).ToArray());
        }
        bytes.AddRange(BitConverter.GetBytes(fps.XstateBv & XfeatureMasks.SupervisorAll.Bits));
        return bytes.ToArray();
    }
}
