using System.Collections.Immutable;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R20a (SDM 13.8.3 XRSTOR_INFO / XMODIFIED): a save that corresponds to the last restore — same address, CPL and
/// COMPMASK — may skip the components restored and not written since. XSAVEOPT (standard form, COMPMASK 0) and XSAVES
/// use it; XSAVEC does not (init optimization only). Directed sequences save → restore → save on two CPUs with AVX
/// and PKRU registers holding non-init values: every outcome, latitude included, equals the oracle's, and the oracle's
/// latitude shows which instruction used the optimization (so the test is not vacuous).
/// </summary>
public class ModifiedOptimizationTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var cpu in new[] { Corpus.SapphireRapids, "amd-genoa-a10f11" })
            foreach (var save in new[] { "Xsaveopt", "Xsaves", "Xsavec" })
                data.Add(cpu, save);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SaveRestoreSave_EqualsTheOracle_AndOnlyXsaveoptAndXsavesSkipUnmodified(string cpuId, string saveName)
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == cpuId);
        var save = Enum.Parse<XsaveInstruction>(saveName);
        var restore = save switch { XsaveInstruction.Xsaves => XsaveInstruction.Xrstors, _ => XsaveInstruction.Xrstor };
        var first = save == XsaveInstruction.Xsaveopt ? XsaveInstruction.Xsave : save;
        var (subject, reference) = Subjects.Pair(cpu);

        var state = Written(cpu, MachineState.Init(cpu) with { Xcr0 = cpu.SupportedXcr0, Xss = cpu.SupportedXss });
        var memory = XsaveBuffer.Zeroed(16384); // AMX TILEDATA alone is 8 KiB
        InstructionOutcome? last = null;
        for (int k = 0; k < 3; k++)
        {
            ArchOperation op = k switch
            {
                0 => new XsaveFamilyOp(first, FeatureMask.All, memory),
                1 => new XsaveFamilyOp(restore, FeatureMask.All, last!.Buffer!),
                _ => new XsaveFamilyOp(save, FeatureMask.All, last!.Buffer!),
            };
            var want = reference.Execute(state, op);
            var mine = subject.Execute(state, op);
            Assert.Null(want.Fault);
            Assert.Empty(want.Differences(mine));
            Assert.Equal(want.UnspecifiedXstateBv, mine.UnspecifiedXstateBv);
            Assert.Equal(Bytes(want.UnspecifiedBytes), Bytes(mine.UnspecifiedBytes));
            if (k == 1) Assert.NotNull(want.State.LastRestore);
            if (k == 2)
            {
                // Component 2 (AVX) holds a non-init value and was restored, not written since: open only where the
                // modified optimization applies.
                bool open = Bytes(want.UnspecifiedBytes).Contains(Offset(reference, cpu, save, 2));
                Assert.Equal(save != XsaveInstruction.Xsavec, open);
            }
            state = want.State;
            last = want;
        }
    }

    /// <summary>
    /// XRSTOR clears XMODIFIED only for its RFBM and XMODIFIED is per component (SDM 13.8.3): two restores from one
    /// address, of AVX then of x87/SSE, then XSAVEOPT there may skip all three. The tracking is not readable state
    /// (MachineState.Differences never compares it), so each implementation runs the sequence on its own state, as a CPU
    /// would, and the accumulated set shows in the final save's latitude: AVX (non-init, in use) is open only if the
    /// first restore's RFBM was kept. Outcomes and latitude equal the oracle's at each step.
    /// </summary>
    [Fact]
    public void TwoPartialRestores_AccumulateTheUnmodifiedSet()
    {
        var cpu = Subjects.AllCpus.Single(c => c.Id == Corpus.SapphireRapids);
        var (subject, reference) = Subjects.Pair(cpu);
        var start = Written(cpu, MachineState.Init(cpu) with { Xcr0 = cpu.SupportedXcr0 });
        var (oracleState, mineState) = (start, start);
        var memory = XsaveBuffer.Zeroed(16384);
        ArchOperation[] ops =
        [
            new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, memory),
            new XsaveFamilyOp(XsaveInstruction.Xrstor, new(0x4), memory),
            new XsaveFamilyOp(XsaveInstruction.Xrstor, new(0x3), memory),
            new XsaveFamilyOp(XsaveInstruction.Xsaveopt, FeatureMask.All, memory),
        ];
        InstructionOutcome? last = null;
        foreach (var template in ops)
        {
            var op = last?.Buffer is { } b && template is XsaveFamilyOp f ? f with { Memory = b } : template;
            var want = reference.Execute(oracleState, op);
            var mine = subject.Execute(mineState, op);
            Assert.Null(want.Fault);
            Assert.Empty(want.Differences(mine));
            Assert.Equal(Bytes(want.UnspecifiedBytes), Bytes(mine.UnspecifiedBytes));
            (oracleState, mineState) = (want.State, mine.State);
            last = want;
        }
        Assert.Contains(Offset(reference, cpu, XsaveInstruction.Xsaveopt, 2), Bytes(last!.UnspecifiedBytes));
    }

    /// <summary>Where the oracle places the component in the save's format (RFBM = every enabled component).</summary>
    private static int Offset(ICpuArchitecture reference, CpuModel cpu, XsaveInstruction save, int component) =>
        (save == XsaveInstruction.Xsaveopt
            ? reference.StandardLayout(cpu.SupportedXcr0)
            : reference.CompactedLayout(save == XsaveInstruction.Xsaves ? cpu.SupportedAll : cpu.SupportedXcr0)).Find(component)!.Value.Offset;

    private static HashSet<int> Bytes(IEnumerable<ByteRange> ranges) => ranges.SelectMany(r => Enumerable.Range(r.Offset, r.Length)).ToHashSet();

    /// <summary>Non-init values in x87, SSE, AVX and PKRU (XINUSE set), as a program would leave them.</summary>
    private static MachineState Written(CpuModel cpu, MachineState state)
    {
        var components = state.Components;
        ulong inUse = 0;
        foreach (int i in new[] { 0, 1, 2, 9 }.Where(i => components.ContainsKey(i)))
        {
            var bytes = components[i].ToArray();
            for (int b = 32; b < Math.Min(bytes.Length, 48); b++) bytes[b] = (byte)(0x11 * (i + 1));
            if (i == 9) bytes[0] = 0x55;
            components = components.SetItem(i, ImmutableArray.Create(bytes));
            inUse |= 1UL << i;
        }
        return state with { Components = components, XinUse = new(inUse), Mxcsr = 0x1F80 };
    }
}
