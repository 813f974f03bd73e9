using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R27: an XRSTOR that would load XFD-disabled components raises #NM and records in IA32_XFD_ERR exactly the disabled
/// components it was to load, not every disabled one. Needs two XFD-capable components; corpus CPUs have one (AMX
/// TILEDATA), the wide synthetic CPU adds bits 24 and 50. Expected outcome: the oracle's.
/// </summary>
public class XfdErrTests
{
    [Fact]
    public void Xrstor_RecordsOnlyTheDisabledComponentsItLoads()
    {
        var cpu = WideCpu.Model;
        var (subject, reference) = Subjects.Pair(cpu);
        var state = MachineState.Init(cpu) with { Xcr0 = cpu.SupportedXcr0 };
        var saved = reference.Execute(state, new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, XsaveBuffer.Zeroed(32768))).Buffer!;
        var bytes = saved.Bytes.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(XsaveBuffer.XstateBvOffset), 0x3UL | (1UL << 18)); // load x87, SSE, TILEDATA
        var op = new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, new XsaveBuffer([.. bytes], saved.Address));
        var disabled = state with { Xfd = new((1UL << 18) | (1UL << 24)) };

        var want = reference.Execute(disabled, op);
        var mine = subject.Execute(disabled, op);
        Assert.Equal(FaultKind.NM, want.Fault?.Kind);
        Assert.Equal(new FeatureMask(1UL << 18), want.State.XfdErr);
        Assert.Empty(want.Differences(mine));
    }
}
