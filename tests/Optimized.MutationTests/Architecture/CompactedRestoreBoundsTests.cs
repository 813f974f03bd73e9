using System.Collections.Immutable;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R24/R25: a compacted XRSTOR/XRSTORS reads only the components it loads (RFBM AND XSTATE_BV) at their XCOMP_BV
/// offsets (R15), so a buffer cut one byte short of the last loaded component must #PF, and one that ends exactly there
/// (components after it in the format but not loaded) must not. The expected outcomes are the oracle's; the oracle's
/// fault at the short length shows the case is not vacuous.
/// </summary>
public class CompactedRestoreBoundsTests
{
    [Theory]
    [InlineData(XsaveInstruction.Xsavec, XsaveInstruction.Xrstor)]
    [InlineData(XsaveInstruction.Xsaves, XsaveInstruction.Xrstors)]
    public void CutAtTheLastLoadedComponent_FaultsOnlyWhenShort(XsaveInstruction save, XsaveInstruction restore)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var (subject, reference) = Subjects.Pair(cpu);
        // AVX and PKRU hold non-init values; the AMX components after PKRU in the format stay in init (not loaded).
        var state = MachineState.Init(cpu) with { Xcr0 = cpu.SupportedXcr0, Xss = cpu.SupportedXss };
        foreach (int i in new[] { 2, 9 })
        {
            var bytes = state.Components[i].ToArray();
            bytes[^1] = 0x5A;
            state = state with { Components = state.Components.SetItem(i, ImmutableArray.Create(bytes)), XinUse = new(state.XinUse.Bits | 1UL << i) };
        }
        var saved = reference.Execute(state, new XsaveFamilyOp(save, FeatureMask.All, XsaveBuffer.Zeroed(16384)));
        Assert.Null(saved.Fault);
        var format = save == XsaveInstruction.Xsaves ? cpu.SupportedAll : cpu.SupportedXcr0;
        var pkru = reference.CompactedLayout(format).Find(9)!.Value;
        int end = pkru.Offset + pkru.Size;
        Assert.True(reference.CompactedLayout(format).Size > end, "a component follows PKRU in the format");

        foreach (int length in new[] { end - 1, end, pkru.Offset + 1 })
        {
            var memory = new XsaveBuffer([.. saved.Buffer!.Bytes.AsSpan(0, length)], saved.Buffer.Address);
            var op = new XsaveFamilyOp(restore, FeatureMask.All, memory);
            var want = reference.Execute(state, op);
            var mine = subject.Execute(state, op);
            Assert.Equal(length == end ? null : FaultKind.PF, want.Fault?.Kind);
            Assert.Empty(want.Differences(mine));
            Assert.Equal(want.UnspecifiedComponents, mine.UnspecifiedComponents);
        }
    }
}
