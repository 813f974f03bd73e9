namespace Xsave.Oracle.Tests.Linux;

/// <summary>Relations from SPEC text, shared by the boot and invariant tests.</summary>
internal static class LinuxAssert
{
    private static readonly FeatureMask CetKernel = FeatureMask.Of(XFeature.CetKernel);

    /// <summary>R45 (and R44 for a kernel without XSAVE), adjusted per policy as FpuBoot documents.</summary>
    public static void BootRelations(BootResult boot)
    {
        if (!boot.XsaveEnabled)
        {
            // R43/R44: no XSAVE feature set, every size the legacy size.
            Assert.Equal(FeatureMask.None, boot.Kernel.MaxFeatures);
            Assert.Equal(boot.Kernel.MaxSize, boot.Kernel.DefaultSize);
            Assert.Equal(boot.Kernel.MaxSize, boot.User.MaxSize);
            Assert.Equal(boot.Kernel.MaxSize, boot.User.DefaultSize);
            Assert.Equal(boot.Kernel.MaxSize, boot.Guest.Size);
            Assert.Equal(FeatureMask.None, boot.InitFpstateXfd);
            return;
        }

        var k = boot.Kernel;
        var u = boot.User;
        var g = boot.Guest;
        Assert.True(u.MaxFeatures.IsSubsetOf(k.MaxFeatures));
        Assert.Equal(u.MaxFeatures.Except(XfeatureMasks.UserDynamic), u.DefaultFeatures);
        Assert.True(k.DefaultFeatures.IsSubsetOf(g.Features));
        Assert.True(g.Features.IsSubsetOf(k.MaxFeatures));
        if (boot.Config.Policy == CetSupervisorPolicy.AllTasks)
        {
            Assert.Equal(k.DefaultFeatures, g.Features);
            Assert.False(k.DefaultFeatures.Overlaps(XfeatureMasks.UserDynamic));
        }
        else
        {
            Assert.Equal(k.MaxFeatures & XfeatureMasks.GuestSupervisor, g.Features.Except(k.DefaultFeatures));
            Assert.False(k.DefaultFeatures.Overlaps(XfeatureMasks.UserDynamic | XfeatureMasks.GuestSupervisor));
        }
        if (boot.Config.Policy == CetSupervisorPolicy.None) Assert.False(k.MaxFeatures.Overlaps(CetKernel));

        Assert.True(k.DefaultSize <= g.Size);
        Assert.True(g.Size <= k.MaxSize);
        Assert.True(u.DefaultSize <= u.MaxSize);

        if (!boot.Caps.Has(CpuCap.Xsaves))
        {
            foreach (var m in new[] { k.MaxFeatures, k.DefaultFeatures, g.Features, boot.Xss })
                Assert.False(m.Overlaps(XfeatureMasks.SupervisorAll));
        }
    }

    /// <summary>I7 for one fpstate; <paramref name="xfd"/> is the value the rule prescribes for it.</summary>
    public static void FpstateConsistent(BootResult boot, Fpstate fps, FeatureMask xfd)
    {
        Assert.Equal((int)fps.Size, fps.Regs.Length);
        if (!boot.XsaveEnabled) return;
        // R49: the buffer holds its features, sized by R14/R15 on the raw CPUID registers (not the oracle's own formula).
        Assert.True(fps.Size >= (boot.Compacted ? DumpFormulas.CompactedSize(boot.Cpu, fps.Xfeatures) : DumpFormulas.StandardSize(boot.Cpu, fps.Xfeatures)));
        Assert.True(fps.UserSize >= DumpFormulas.StandardSize(boot.Cpu, fps.UserXfeatures));
        var xcompBv = new FeatureMask(fps.XcompBv);
        var xstateBv = new FeatureMask(fps.XstateBv);
        if (boot.Compacted)
        {
            Assert.Equal(fps.Xfeatures | ArchMasks.CompactedFormat, xcompBv);
            Assert.True(xstateBv.IsSubsetOf(fps.Xfeatures));
        }
        else
        {
            Assert.Equal(FeatureMask.None, xcompBv);
        }
        Assert.True(fps.UserXfeatures.IsSubsetOf(fps.Xfeatures & boot.UserSupported));
        Assert.Equal(xfd, fps.Xfd);
        if (!fps.IsGuest) Assert.False(fps.Xfd.Overlaps(fps.UserXfeatures));
    }
}
