namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// SPEC R17, R20a: XINUSE[i] of a component in its init configuration may be 0 or 1 ("XINUSE[i] may be either 0 or 1",
/// SDM 13.6); measured on our hosts: XRSTOR of zeros with XSTATE_BV = 0xE7 leaves XGETBV(1) = 0 (docs/findings.md F3).
/// The outcome leaves exactly those bits open; a component out of its init configuration stays defined.
/// </summary>
public class OpenInUseTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;
    private static readonly MachineState User = HostCpu.UserState();

    [Fact]
    public void Xgetbv1_LeavesTheBitsOfInitComponentsOpen_AndDefinesTheOthers()
    {
        // AVX (2) holds data; every other component holds its init image, some with a stale XINUSE bit.
        var state = User.WithComponent(XFeature.Ymm, Enumerable.Repeat((byte)0x5A, 256).ToArray()) with { XinUse = new FeatureMask(0xA5) };
        var outcome = Run(Cpu, state, new XgetbvOp(1));
        Assert.Equal(0xA5UL & HostCpu.Xcr0.Bits, outcome.ReturnedValue);
        Assert.Equal(HostCpu.Xcr0.Without(XFeature.Ymm), outcome.UnspecifiedReturnedBits);
        Assert.False(outcome.UnspecifiedXinUse.Contains(XFeature.Ymm));
        Assert.True(outcome.UnspecifiedXinUse.Contains(XFeature.Opmask));
    }

    [Fact]
    public void Xgetbv0_LeavesNothingOpen()
    {
        var outcome = Run(Cpu, User with { XinUse = new FeatureMask(0xE7) }, new XgetbvOp(0));
        Assert.Equal(FeatureMask.None, outcome.UnspecifiedReturnedBits);
    }

    /// <summary>A CPU that reports XINUSE 0 after loading zeros agrees; one that drops a component holding data does not.</summary>
    [Fact]
    public void Comparison_SkipsOpenXinUseBitsOnly()
    {
        var image = XrstorFaultTests.StandardImage(0xE7);
        var want = Run(Cpu, User, new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, image));
        Assert.Null(want.Fault);
        Assert.Equal(new FeatureMask(0xE7), want.State.XinUse);
        var valueTracked = want with { State = want.State with { XinUse = FeatureMask.None } };
        Assert.Empty(want.Differences(valueTracked));

        var data = image.WithByte(576, 0x77);
        var wantData = Run(Cpu, User, new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, data));
        var dropped = wantData with { State = wantData.State with { XinUse = wantData.State.XinUse.Without(XFeature.Ymm) } };
        Assert.Contains(wantData.Differences(dropped), d => d.Field == "XINUSE");
    }
}
