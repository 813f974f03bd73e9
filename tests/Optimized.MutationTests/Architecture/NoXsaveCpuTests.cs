using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R18: on a CPU whose CPUID.1:ECX.XSAVE[26] is 0 every XSAVE-family instruction, XSETBV and XGETBV raise #UD, even
/// with CR4.OSXSAVE set. No corpus CPU lacks XSAVE (they were chosen for leaf 0xD), so the test clears the flag of
/// one; the expected fault is the oracle's.
/// </summary>
public class NoXsaveCpuTests
{
    [Fact]
    public void EveryInstruction_RaisesTheOraclesFault()
    {
        var sapphire = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var cpu = sapphire with { Id = "sapphirerapids-without-xsave", Flags = sapphire.Flags with { Xsave = false } };
        var (subject, reference) = Subjects.Pair(cpu);
        var state = MachineState.Init(cpu);
        var memory = XsaveBuffer.Zeroed(16384);
        ArchOperation[] ops =
        [
            .. Enum.GetValues<XsaveInstruction>().Select(i => new XsaveFamilyOp(i, FeatureMask.All, memory)),
            new XsetbvOp(0, new(0x3)), new XgetbvOp(0),
        ];
        foreach (var op in ops)
        {
            var want = reference.Execute(state, op);
            var mine = subject.Execute(state, op);
            Assert.Equal(FaultKind.UD, want.Fault?.Kind);
            Assert.Empty(want.Differences(mine));
        }
    }
}
