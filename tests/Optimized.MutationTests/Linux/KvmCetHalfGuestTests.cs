using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// kvm_is_valid_u_s_cet (R84) for a guest with only one half of CET: U_CET is accessible with SHSTK or IBT, but the
/// shadow-stack enables need guest SHSTK and the IBT controls guest IBT; the legacy-bitmap base must be 4-aligned.
/// Each case is run on the optimized implementation and on the oracle step by step (KernelDifferential), with the
/// oracle's verdict of the write in question pinned.
/// </summary>
public class KvmCetHalfGuestTests
{
    private const string TigerLake = "intel-tigerlake-806c1"; // host SHSTK and IBT, CET_U|CET_S in XSS
    private const uint MsrUCet = 0x6A0;
    private const ulong ShStkEn = 1, EndbrEn = 1UL << 2, BitmapLowBit = 1UL << 12;

    private static List<CpuidEntry> Guest(bool shstk, bool ibt) =>
        KvmInputs.GuestCpuid(0x2E7, 0xF, xss: 0x1800, shstk: shstk, ibt: ibt, leaf1Eax: 0x806C1);

    private static IReadOnlyList<Properties.Comparison.KernelStep> WriteUCet(bool shstk, bool ibt, ulong value) =>
        KernelDifferential.Run(TigerLake,
            new VcpuCreateOp(1), new SetCpuid2Op(0, Guest(shstk, ibt)), new SetMsrOp(0, MsrUCet, value), new GetMsrOp(0, MsrUCet));

    [Fact]
    public void IbtOnlyGuest_RefusesShadowStackEnable() => Assert.Equal(0, WriteUCet(shstk: false, ibt: true, ShStkEn)[2].Outcome!.Result);

    [Fact]
    public void IbtOnlyGuest_TakesEndbrEnable() => Assert.Equal(1, WriteUCet(shstk: false, ibt: true, EndbrEn)[2].Outcome!.Result);

    [Fact]
    public void ShstkOnlyGuest_RefusesEndbrEnable() => Assert.Equal(0, WriteUCet(shstk: true, ibt: false, EndbrEn)[2].Outcome!.Result);

    [Fact]
    public void ShstkOnlyGuest_TakesShadowStackEnable() => Assert.Equal(1, WriteUCet(shstk: true, ibt: false, ShStkEn)[2].Outcome!.Result);

    /// <summary>CET_US_LEGACY_BITMAP_BASE must be 4-aligned: bit 12 set is refused even for an IBT guest.</summary>
    [Fact]
    public void MisalignedLegacyBitmap_IsRefused() =>
        Assert.Equal(0, WriteUCet(shstk: true, ibt: true, EndbrEn | BitmapLowBit)[2].Outcome!.Result);
}
