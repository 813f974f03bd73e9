using static Xsave.Oracle.Linux.Process.ArchPrctlOptions;

namespace Xsave.Oracle.Tests.Linux.Process;

/// <summary>
/// Signal frame sizes and sigaltstack (SPEC R65, R66, H22). Expected values: KO §1b (AT_MINSIGSTKSZ), KO §6a
/// (sigaltstack sizes on the real kernel), SPEC R65/R66 text.
/// </summary>
public class SigaltstackTests
{
    [Fact]
    public void SigframeSize_Zen5_IsAtMinSigStkSz_KO1b()
    {
        // KO §1b: getauxval(AT_MINSIGSTKSZ) = 3376 on the Zen 5 host.
        Assert.Equal(3376UL, SignalFrames.MaxFrameSize(Zen5Boot()));
    }

    [Fact]
    public void SigframeSize_Zen5_XstatePartIsUserSizePlus4_KO6a()
    {
        // KO §6a: extended_size 2436 = xstate_size 2432 + 4 (magic2).
        var boot = Zen5Boot();
        var fps = LinuxProcess.Start(boot).Leader.Fpu.Fpstate;
        Assert.Equal(2436u, SignalFrames.XstateSigframeSize(boot, fps));
    }

    [Theory]
    [InlineData(1024UL)]
    [InlineData(2047UL)]
    public void R66_BelowMinSigStkSz_ENOMEM_KO6a(ulong size)
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(Errno.ENOMEM, process.Sigaltstack(LinuxProcess.LeaderId, size).Error);
        Assert.Equal(0UL, process.Leader.SigaltstackSize);
    }

    [Theory]
    [InlineData(2048UL)]
    [InlineData(2400UL)]
    [InlineData(3000UL)]
    [InlineData(3375UL)]
    [InlineData(3376UL)]
    [InlineData(4096UL)]
    [InlineData(8192UL)]
    public void R66_NoDynamicFeatures_AnySizeFromMinAccepted_KO6a(ulong size)
    {
        // KO §6a: 2048 and up are accepted (no dynamic sizing, no strict mode on that kernel).
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, size));
        Assert.Equal(size, process.Leader.SigaltstackSize);
    }

    [Fact]
    public void R66_FailureKeepsOldStack()
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 8192));
        Assert.Equal(Errno.ENOMEM, process.Sigaltstack(LinuxProcess.LeaderId, 1024).Error);
        Assert.Equal(8192UL, process.Leader.SigaltstackSize);
    }

    [Fact]
    public void R66_Disable_RemovesStack()
    {
        var process = LinuxProcess.Start(Zen5Boot());
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 8192));
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 0, disable: true));
        Assert.Equal(0UL, process.Leader.SigaltstackSize);
    }

    [Fact]
    public void R66_H22_AfterDynamicPermission_SmallStackRejectedLargeAccepted()
    {
        // R66: once AMX is permitted, a stack smaller than the AMX frame fails with -ENOMEM (amx selftest) and a
        // big enough one is accepted. H22: the inverted check (a missing '!') would reject exactly the valid sizes;
        // oracle line: LinuxProcess.Sigaltstack's "if (!SigaltstackSizeValid(size)) return Errno.ENOMEM;".
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        // Before the permission a 4096-byte stack is fine (the default frame fits).
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 4096));
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 0, disable: true));
        Assert.Equal(KResult.Ok, process.ArchPrctl(ReqXcompPerm, XcompTileData));

        var thread = process.SpawnThread();
        Assert.Equal(Errno.ENOMEM, process.Sigaltstack(thread.Id, 4096).Error);
        Assert.Equal(0UL, thread.SigaltstackSize);
        Assert.Equal(KResult.Ok, process.Sigaltstack(thread.Id, SignalFrames.MaxFrameSize(boot)));
    }

    [Fact]
    public void R66_H22_SameStackAgain_SkipsTheCheck()
    {
        // H22's follow-up: an unchanged sigaltstack() returns 0 before taking the lock or checking anything, so a
        // stack installed before the permission can be re-installed afterwards.
        var boot = SprBoot();
        var process = LinuxProcess.Start(boot);
        var thread = process.SpawnThread();
        Assert.Equal(KResult.Ok, process.Sigaltstack(thread.Id, 4096));
        Assert.Equal(Errno.ENOSPC, process.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
        Assert.Equal(KResult.Ok, process.Sigaltstack(thread.Id, 4096));
    }

    [Fact]
    public void R65_R66_BothChecksAgreeAtTheAmxFrameSize()
    {
        // The permission check (R65) and the sigaltstack check (R66) must accept the same stacks at the frame size
        // that matters: a stack of exactly sigframe_size passes both; one byte below the R66 bound fails R66.
        var boot = SprBoot();
        ulong frame = SignalFrames.MaxFrameSize(boot);
        Assert.Equal(frame, SignalFrames.RequiredForPermission(boot, boot.User.MaxSize));
        Assert.True(frame > SignalFrames.SigaltstackBound(boot, boot.User.MaxSize));
    }

    [Fact]
    public void R65_R66_AsCoded_TheTwoBoundsDifferBy116Bytes()
    {
        // As coded, validate_sigaltstack (R65) keeps the 4 + 112 bytes of fpu__get_fpstate_size that
        // sigaltstack_size_valid (R66) subtracts, and R65 accepts "≥" where R66 wants ">". A stack between the two
        // bounds is accepted by sigaltstack() after the permission, yet makes the same permission request fail when
        // installed before it.
        var boot = SprBoot();
        ulong frame = SignalFrames.RequiredForPermission(boot, boot.User.MaxSize);
        ulong bound = SignalFrames.SigaltstackBound(boot, boot.User.MaxSize);
        Assert.Equal(116UL, frame - bound);
        ulong between = bound + 1;

        var after = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, after.ArchPrctl(ReqXcompPerm, XcompTileData));
        Assert.Equal(KResult.Ok, after.Sigaltstack(LinuxProcess.LeaderId, between));

        var before = LinuxProcess.Start(boot);
        Assert.Equal(KResult.Ok, before.Sigaltstack(LinuxProcess.LeaderId, between));
        Assert.Equal(Errno.ENOSPC, before.ArchPrctl(ReqXcompPerm, XcompTileData).Error);
    }

    [Fact]
    public void R66_StrictMode_ChecksEvenWithoutDynamicFeatures()
    {
        var boot = FpuBoot.Run(Zen5Ko(), KernelConfig.Default with { StrictSigaltstackSize = true });
        var process = LinuxProcess.Start(boot);
        // Bound = 3376 - (2432+4+112) + 2432 = 3260; strictly larger passes.
        Assert.Equal(3260UL, SignalFrames.SigaltstackBound(boot, process.Perm.UserStateSize));
        Assert.Equal(Errno.ENOMEM, process.Sigaltstack(LinuxProcess.LeaderId, 3260).Error);
        Assert.Equal(KResult.Ok, process.Sigaltstack(LinuxProcess.LeaderId, 3261));
    }
}
