using System.Text.Json;

namespace Xsave.Contract.Tests.Machine;

/// <summary>The exchange types of Contract/Machine: init state (R17), equality, diffs, JSON.</summary>
public class MachineStateTests
{
    /// <summary>The measured Zen 5 host (KO §1a).</summary>
    private static readonly CpuModel Zen5 = ObservedHost.Zen5();

    [Fact]
    public void MachineStateInit_HasOneComponentPerEnumeratedComponent_WithCpuidSizes()
    {
        // KO §1a: x87 160 (legacy image), SSE 256 (XMM), YMM 256, opmask 64, ZMM_Hi256 512, Hi16_ZMM 1024, CET_U 16, CET_S 24.
        var state = MachineState.Init(Zen5);
        var sizes = state.Components.ToDictionary(c => c.Key, c => c.Value.Length);
        Assert.Equal(new Dictionary<int, int> { [0] = 160, [1] = 256, [2] = 256, [5] = 64, [6] = 512, [7] = 1024, [11] = 16, [12] = 24 }, sizes);
    }

    [Fact]
    public void MachineStateInit_IsTheInitConfiguration()
    {
        // R17: FCW 0x037F, MXCSR 0x1F80, all else zero; XCR0 = 1, XSS = XFD = XINUSE = 0, CPL 0, OSXSAVE = 1, TS = 0.
        var state = MachineState.Init(Zen5);
        Assert.Equal(0x7F, state.Component(XFeature.Fp)[0]);
        Assert.Equal(0x03, state.Component(XFeature.Fp)[1]);
        Assert.All(state.Components, c => Assert.Equal(c.Key == 0 ? 2 : 0, c.Value.Count(b => b != 0)));
        Assert.Equal(0x1F80u, state.Mxcsr);
        Assert.Equal((1UL, 0UL, 0UL, 0UL, 0UL), (state.Xcr0.Bits, state.Xss.Bits, state.Xfd.Bits, state.XfdErr.Bits, state.XinUse.Bits));
        Assert.Equal((0, true, false), (state.Cpl, state.Cr4Osxsave, state.Cr0Ts));
    }

    [Theory]
    [MemberData(nameof(Corpus.AllIds), MemberType = typeof(Corpus))]
    public void MachineStateInit_FitsEveryCorpusCpu(string id)
    {
        var cpu = Corpus.Cpu(id);
        Assert.Empty(MachineState.Init(cpu).ShapeProblems(cpu));
    }

    [Fact]
    public void WithComponent_SetsXinuse_AndWithComponentInit_ClearsIt()
    {
        var state = MachineState.Init(Zen5).WithComponent(XFeature.Ymm, Pattern(256, 1));
        Assert.True(state.XinUse.Contains(XFeature.Ymm));
        var back = state.WithComponentInit(XFeature.Ymm);
        Assert.Equal(MachineState.Init(Zen5), back);
    }

    [Fact]
    public void WithComponent_RefusesX87BytesInTheMxcsrHole_AndWrongSizes()
    {
        var state = MachineState.Init(Zen5);
        Assert.Throws<ArgumentException>(() => state.WithComponent(XFeature.Fp, Fill(160, 1)));
        Assert.Throws<ArgumentException>(() => state.WithComponent(XFeature.Ymm, Fill(128, 1)));
    }

    [Fact]
    public void Differences_NameEachDifferingField_AndSkipIgnoredComponents()
    {
        var a = MachineState.Init(Zen5);
        var b = a.WithComponent(XFeature.Opmask, Pattern(64, 1)) with { Xcr0 = new FeatureMask(0x7) };

        var diffs = a.Differences(b);
        Assert.Contains(diffs, d => d.Field == "XCR0");
        Assert.Contains(diffs, d => d.Field == "XINUSE");
        Assert.Contains(diffs, d => d.Field.StartsWith("component 5", StringComparison.Ordinal));
        Assert.NotEqual(a, b);

        var ignoring = a.Differences(b, FeatureMask.Of(XFeature.Opmask));
        Assert.Equal(["XCR0"], ignoring.Select(d => d.Field));
    }

    [Fact]
    public void OutcomeDifferences_CompareFaultKindsOnly()
    {
        var state = MachineState.Init(Zen5);
        var a = InstructionOutcome.Faulted(new Fault(FaultKind.GP, "R23", "one reason"), state);
        var b = InstructionOutcome.Faulted(new Fault(FaultKind.GP, "R24", "another"), state);
        var c = InstructionOutcome.Faulted(new Fault(FaultKind.NM, "R27", "xfd"), state);
        Assert.Empty(a.Differences(b));
        Assert.Equal(["fault"], a.Differences(c).Select(d => d.Field));
    }

    [Fact]
    public void ArchOperations_RoundTripThroughJson()
    {
        ArchOperation[] ops =
        [
            new XsaveFamilyOp(XsaveInstruction.Xsavec, new FeatureMask(0xE7), XsaveBuffer.Filled(640, 0xCC).WithXstateBv(new FeatureMask(3))),
            new XsetbvOp(0, new FeatureMask(0x7)),
            new XgetbvOp(1),
            new WrmsrOp(ArchMsr.Xfd, FeatureMask.Of(XFeature.XtileData)),
            new InitOp(),
            new ResetOp(),
        ];
        foreach (var op in ops)
        {
            string json = JsonSerializer.Serialize(op);
            Assert.Equal(op, JsonSerializer.Deserialize<ArchOperation>(json));
        }
        Assert.Contains("\"op\":\"wrmsr\"", JsonSerializer.Serialize<ArchOperation>(ops[3]));
        Assert.Contains("\"Msr\":\"Xfd\"", JsonSerializer.Serialize<ArchOperation>(ops[3]));
    }
}
