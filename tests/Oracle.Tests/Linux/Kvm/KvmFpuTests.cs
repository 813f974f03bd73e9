namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>R78 with AMX, R85-R87 and R89's XFD masking; invariants I15 and I20; historical bugs H5 and H6.
/// AMX numbers: the SPR corpus profile (0xD.0 ECX 0x2B00 = 11008; TILEDATA 8192 bytes at 0xB00).</summary>
public class KvmFpuTests
{
    [Fact]
    public void Create_LocksGuestPermissions_AndResets_R85()
    {
        var (_, process, vcpu) = NewVcpu(Zen5Boot());
        Assert.True(process.GuestPerm.Locked);
        Assert.Equal(0x1UL, vcpu.Xcrs.Xcr0.Bits);
        Assert.Equal(0UL, vcpu.Fpu.Fpstate.Xfd.Bits);
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Equal(4096u, vcpu.Fpu.GuestFpu.UabiSize);
    }

    [Fact]
    public void Create_Enomem_WhenTheGuestFpstateCannotBeAllocated()
    {
        var kvm = LoadKvm(Zen5Boot());
        var process = LinuxProcess.Start(kvm.Boot);
        process.FailAllocations = true;
        Fails(Errno.ENOMEM, Vcpu.Create(kvm, process).Result);
        Assert.False(process.GuestPerm.Locked);
    }

    /// <summary>KO §3d: 0xD.0 EAX with bit 18 and no ARCH_REQ_XCOMP_GUEST_PERM -> -EPERM; the old table stays.</summary>
    [Theory]
    [InlineData(0x400E7u)]
    [InlineData(0x600E7u)]
    public void SetCpuid2_Eperm_ForTileDataWithoutGuestPermission(uint eax0)
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Fails(Errno.EPERM, vcpu.SetCpuid2(Leaf0DCpuid(eax0)));
        Assert.Empty(vcpu.Cpuid.Entries);
    }

    [Fact]
    public void SetCpuid2_E2big_AboveMaxEntries()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        var many = Enumerable.Range(0, 257).Select(i => new KvmCpuidEntry2(0x40000000u + (uint)i, 0, 0, 0, 0, 0, 0)).ToList();
        Fails(Errno.E2BIG, vcpu.SetCpuid2(many));
        Ok(vcpu.SetCpuid2(many.Take(256).ToList()));
    }

    [Fact]
    public void SetCpuid2_Einval_ForUnsupportedVirtualAddressWidth()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Fails(Errno.EINVAL, vcpu.SetCpuid2([new KvmCpuidEntry2(0x80000008, 0, 0, 39u << 8 | 39u, 0, 0, 0)]));
        Ok(vcpu.SetCpuid2([new KvmCpuidEntry2(0x80000008, 0, 0, 48u << 8 | 46u, 0, 0, 0)]));
    }

    /// <summary>The brief's SPR case: after SET_CPUID2 with AMX the uabi size is the SPR standard size; GET_XSAVE is
    /// refused (-EINVAL), GET_XSAVE2 returns the whole image (R89; H5: uabi_size never below 4096).</summary>
    [Fact]
    public void Amx_GetXsaveRefused_GetXsave2Works_SapphireRapids()
    {
        var (kvm, process, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        Assert.Equal(4096u, vcpu.Fpu.GuestFpu.UabiSize);
        Ok(vcpu.GetXsave().Result);

        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Assert.Equal(11008u, vcpu.Fpu.GuestFpu.UabiSize);
        Assert.Equal(vcpu.Fpu.GuestFpu.Xfeatures, vcpu.Fpu.Fpstate.Xfeatures); // I9
        Fails(Errno.EINVAL, vcpu.GetXsave().Result);
        var image = vcpu.GetXsave2();
        Ok(image.Result);
        Assert.Equal(11008, image.Value.Length);
        Fails(Errno.EFAULT, vcpu.SetXsave(new byte[4096]));
    }

    /// <summary>R78: when the larger guest buffer cannot be allocated, KVM_SET_CPUID2 fails with -EFAULT (R58) and the
    /// previous table stays.</summary>
    [Fact]
    public void SetCpuid2_Efault_WhenTheAmxBufferCannotBeAllocated_R78()
    {
        var (kvm, process, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        process.FailAllocations = true;
        Fails(Errno.EFAULT, vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Assert.Empty(vcpu.Cpuid.Entries);
        Assert.Equal(4096u, vcpu.Fpu.GuestFpu.UabiSize);
    }

    /// <summary>R89 via R68: before CPUID enabled TILEDATA, SET_XSAVE with XSTATE_BV[18] is refused.</summary>
    [Fact]
    public void SetXsave_Einval_ForTileDataBeforeCpuidEnabledIt()
    {
        var (_, _, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        var image = vcpu.GetXsave().Value;
        Put64(image, 512, 0x3 | 1UL << 18);
        Fails(Errno.EINVAL, vcpu.SetXsave(image));
    }

    private static Vcpu AmxGuest()
    {
        var (kvm, process, vcpu) = NewVcpu(SprBoot(), amxGuestPerm: true);
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Assert.True(vcpu.Cpuid.GuestHasXfd);
        return vcpu;
    }

    /// <summary>A full AMX image: TILECFG (64 bytes at 0xAC0) and TILEDATA (8192 bytes at 0xB00) marked.</summary>
    private static byte[] AmxImage(Vcpu vcpu)
    {
        var image = vcpu.GetXsave2().Value;
        image.AsSpan(0xAC0, 64).Fill(0x17);
        image.AsSpan(0xB00, 0x2000).Fill(0x18);
        Put64(image, 512, 0x3 | 1UL << 17 | 1UL << 18);
        return image;
    }

    /// <summary>H6, I15: KVM_SET_XSAVE drops XSTATE_BV[i] for XFD[i] = 1 (VcpuXsave.SetXsave, the "Except(fps.Xfd)" line);
    /// without it the next guest entry would XRSTORS a disabled component and #NM in the host.</summary>
    [Fact]
    public void SetXsave_ClearsXfdDisabledComponents_H6_I15()
    {
        var vcpu = AmxGuest();
        Assert.Equal(1, vcpu.SetMsrs((MsrIndex.Ia32Xfd, 1UL << 18)).Value);
        Ok(vcpu.SetXsave(AmxImage(vcpu)));
        Assert.False(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Overlaps(vcpu.Fpu.Fpstate.Xfd));
        Assert.Equal(0x3UL | 1UL << 17, U64(vcpu.GetXsave2().Value, 512));
        Ok(vcpu.Run());
        Assert.Empty(vcpu.Warnings);
    }

    /// <summary>
    /// H6 (the IRQ race of CVE-2026-23005): the guest uses AMX, writes XFD[18] = 1, and an interrupt's kernel_fpu_begin
    /// saves the guest registers before the exit handler runs. R87 (VcpuFpu.UpdateGuestXfd, the TaskNeedFpuLoad line)
    /// clears XSTATE_BV[18] so the re-entry XRSTORS does not #NM in the host.
    /// </summary>
    [Fact]
    public void GuestXfdWrite_AfterKernelFpuBegin_ClearsXstateBv_H6_R87()
    {
        var vcpu = AmxGuest();
        Ok(vcpu.SetXsave(AmxImage(vcpu)));
        Assert.True(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.XtileData));

        // One VM exit: the WRMSR exit, the interrupt before its handler, the handler; then re-entry.
        Ok(vcpu.Run(v =>
        {
            v.Fpu.KernelFpuBegin();
            Assert.Equal(GuestOutcome.Completed, v.Msrs.GuestWrmsr(MsrIndex.Ia32Xfd, 1UL << 18));
        }));

        Assert.Empty(vcpu.Warnings);
        Assert.False(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.XtileData));
        Assert.Equal(1UL << 18, vcpu.Msrs.GuestRdmsr(MsrIndex.Ia32Xfd).Value);
    }

    /// <summary>R87: with the guest state resident, the write only changes XFD; the save at exit drops XSTATE_BV[18].</summary>
    [Fact]
    public void GuestXfdWrite_WhileResident_TheExitSaveDropsTheComponent_R87()
    {
        var vcpu = AmxGuest();
        Ok(vcpu.SetXsave(AmxImage(vcpu)));
        Ok(vcpu.Run(v =>
        {
            v.Msrs.GuestWrmsr(MsrIndex.Ia32Xfd, 1UL << 18);
            Assert.True(new FeatureMask(v.Fpu.Fpstate.XstateBv).Contains(XFeature.XtileData));
        }));
        Assert.False(new FeatureMask(vcpu.Fpu.Fpstate.XstateBv).Contains(XFeature.XtileData));
        Assert.Empty(vcpu.Warnings);
    }

    /// <summary>I20 / R86: loads and puts alternate; a second load or a put without load is a KVM_BUG_ON that kills the
    /// VM, after which every vCPU ioctl fails with -EIO.</summary>
    [Fact]
    public void LoadPut_MustAlternate_I20()
    {
        var (_, process, vcpu) = NewVcpu(Zen5Boot());
        var taskFpstate = process.Leader.Fpu.Fpstate;
        Assert.Equal(FpuSwapOutcome.Swapped, vcpu.Fpu.LoadGuestFpu());
        Assert.True(vcpu.Fpu.Fpstate.InUse);
        Assert.Same(vcpu.Fpu.Fpstate, process.Leader.Fpu.Fpstate);
        Assert.Same(taskFpstate, process.Leader.Fpu.TaskFpstate);

        Assert.Equal(FpuSwapOutcome.Swapped, vcpu.Fpu.PutGuestFpu());
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Same(taskFpstate, process.Leader.Fpu.Fpstate);
        Assert.Null(process.Leader.Fpu.TaskFpstate);
        Assert.False(vcpu.Vm.Dead);

        Assert.Equal(FpuSwapOutcome.KvmBug, vcpu.Fpu.PutGuestFpu());
        Assert.True(vcpu.Vm.Dead);
        Fails(Errno.EIO, vcpu.GetXsave().Result);
        Fails(Errno.EIO, vcpu.Run());
    }

    [Fact]
    public void DoubleLoad_IsKvmBug_I20()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        vcpu.Fpu.LoadGuestFpu();
        Assert.Equal(FpuSwapOutcome.KvmBug, vcpu.Fpu.LoadGuestFpu());
        Assert.True(vcpu.Vm.Dead);
    }

    [Fact]
    public void Run_LeavesTheGuestFpuPut_AndMarksTheVcpuRun_I20()
    {
        var (_, process, vcpu) = NewVcpu(Zen5Boot());
        Assert.False(vcpu.HasRun);
        Ok(vcpu.Run(v => Assert.True(v.Fpu.Fpstate.InUse)));
        Assert.True(vcpu.HasRun);
        Assert.False(vcpu.Fpu.Fpstate.InUse);
        Assert.Null(process.Leader.Fpu.TaskFpstate);
    }

    [Fact]
    public void Destroy_FreesTheGuestFpstate_ButNotWhileInUse_R56()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        vcpu.Fpu.LoadGuestFpu();
        Assert.Equal(GuestFreeResult.RefusedWarn, vcpu.Destroy());
        vcpu.Fpu.PutGuestFpu();
        Assert.Equal(GuestFreeResult.Freed, vcpu.Destroy());
    }

    /// <summary>H5 / I9: uabi_size is sizeof(struct kvm_xsave) = 4096 from the start, never the (smaller) host default
    /// size, on every corpus profile (the legacy 512-byte size included where XSAVE is off).</summary>
    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void UabiSize_StartsAt4096_H5(string id)
    {
        var boot = Boot(Corpus.Cpu(id));
        var (_, _, vcpu) = NewVcpu(boot);
        Assert.Equal(4096u, vcpu.Fpu.GuestFpu.UabiSize);
        var image = vcpu.GetXsave();
        Ok(image.Result);
        Assert.Equal(4096, image.Value.Length);
        Ok(vcpu.SetXsave(image.Value));
        Assert.Equal(image.Value, vcpu.GetXsave().Value);
    }
}
