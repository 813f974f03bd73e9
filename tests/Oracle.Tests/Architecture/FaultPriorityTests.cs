namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// R18 and the documented fault priority order (#UD > #NM(TS) > #GP(CPL) > #GP(alignment) > #PF(header) > #GP(header)
/// > #GP(MXCSR) > #NM(XFD) > #PF): each test sets two conditions and expects the earlier one.
/// </summary>
public class FaultPriorityTests
{
    private static readonly CpuModel Cpu = HostCpu.Zen5;
    private static readonly XsaveBuffer Misaligned = HostCpu.CcBuffer().At(XsaveBuffer.DefaultAddress + 16);

    [Theory]
    [InlineData(XsaveInstruction.Xsave)]
    [InlineData(XsaveInstruction.Xsaveopt)]
    [InlineData(XsaveInstruction.Xsavec)]
    [InlineData(XsaveInstruction.Xsaves)]
    [InlineData(XsaveInstruction.Xrstor)]
    [InlineData(XsaveInstruction.Xrstors)]
    public void EveryInstruction_UD_WhenOsxsaveClear_BeforeNM(XsaveInstruction instruction)
    {
        var state = HostCpu.UserState() with { Cr4Osxsave = false, Cr0Ts = true };
        var fault = FaultOf(Run(Cpu, state, new XsaveFamilyOp(instruction, FeatureMask.All, Misaligned)));
        Assert.Equal(FaultKind.UD, fault.Kind);
        Assert.Equal("R18", fault.Rule);
    }

    [Theory]
    [InlineData(XsaveInstruction.Xsave)]
    [InlineData(XsaveInstruction.Xrstor)]
    [InlineData(XsaveInstruction.Xsaves)]
    public void EveryInstruction_NM_WhenTsSet_BeforeGP(XsaveInstruction instruction)
    {
        // CR0.TS = 1 with CPL 3 and a misaligned operand: #NM wins over #GP(CPL) and #GP(alignment).
        var state = HostCpu.UserState() with { Cr0Ts = true };
        Assert.Equal(FaultKind.NM, FaultOf(Run(Cpu, state, new XsaveFamilyOp(instruction, FeatureMask.All, Misaligned))).Kind);
    }

    [Fact]
    public void Xsaves_CplGP_BeforeAlignmentGP()
    {
        // Both are #GP; the rule tells them apart: R22 (CPL) before R18 (alignment).
        var fault = FaultOf(RunXsaves(Cpu, HostCpu.UserState(), ulong.MaxValue, Misaligned));
        Assert.Equal(("R22", FaultKind.GP), (fault.Rule, fault.Kind));
    }

    [Fact]
    public void Xrstor_AlignmentGP_BeforeHeaderPF()
    {
        var buffer = XsaveBuffer.Zeroed(64).At(XsaveBuffer.DefaultAddress + 8);
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Xsaveopt_UD_WhenMissing_BeforeNM()
    {
        var cpu = TestSupport.Corpus.Cpu("amd-interlagos-600f12");
        var state = MachineState.Init(cpu) with { Xcr0 = new FeatureMask(0x7), Cr0Ts = true };
        Assert.Equal(FaultKind.UD, FaultOf(RunXsaveopt(cpu, state, 7, XsaveBuffer.Zeroed(4096))).Kind);
    }

    [Fact]
    public void Xrstor_HeaderGP_BeforeMxcsrGP()
    {
        var buffer = XrstorFaultTests.StandardImage().WithXcompBv(new FeatureMask(1)).WithUInt32(24, 0x11F80);
        var fault = FaultOf(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, buffer));
        Assert.Equal(FaultKind.GP, fault.Kind);
        Assert.Contains("header", fault.Reason);
    }

    [Fact]
    public void Xrstor_MxcsrGP_BeforeComponentPF()
    {
        // The buffer ends before the YMM data XSTATE_BV asks for; MXCSR is bad: #GP (step 7) before #PF (step 9).
        var buffer = XsaveBuffer.Zeroed(576).WithUInt32(24, 0x11F80).WithXstateBv(new FeatureMask(0x7));
        Assert.Equal(FaultKind.GP, FaultOf(RunXrstor(Cpu, HostCpu.UserState(), ulong.MaxValue, buffer)).Kind);
    }

    [Fact]
    public void Faults_LeaveStateAndBufferUnchanged()
    {
        var state = XsaveTests.StateWithEverythingInUse();
        var buffer = XrstorFaultTests.StandardImage().WithByte(528, 1).WithBytes(576, Pattern(256, 1));
        var outcome = RunXrstor(Cpu, state, ulong.MaxValue, buffer);
        Assert.Equal(FaultKind.GP, FaultOf(outcome).Kind);
        Assert.Equal(state, outcome.State);
        Assert.Equal(buffer, outcome.Buffer);
    }
}
