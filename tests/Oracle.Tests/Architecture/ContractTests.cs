using System.Text.Json;

namespace Xsave.Oracle.Tests.Architecture;

/// <summary>
/// The oracle through the exchange types of Contract/Machine: its outcomes round-trip through JSON, and it refuses a
/// state that does not fit the CPU. The types themselves are tested in Contract.Tests.
/// </summary>
public class ContractTests
{
    [Fact]
    public void MachineStateAndOutcome_RoundTripThroughJson()
    {
        var state = XsaveTests.StateWithEverythingInUse() with { Mxcsr = 0x1FC0 };
        Assert.Equal(state, JsonSerializer.Deserialize<MachineState>(JsonSerializer.Serialize(state)));

        var outcome = RunXsaveopt(HostCpu.Zen5, HostCpu.UserState(), 7, HostCpu.CcBuffer());
        Assert.NotEmpty(outcome.UnspecifiedBytes);
        Assert.Equal(outcome, JsonSerializer.Deserialize<InstructionOutcome>(JsonSerializer.Serialize(outcome)));
    }

    [Fact]
    public void Oracle_RefusesAStateThatDoesNotFitTheCpu()
    {
        var sprState = MachineState.Init(TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8"));
        Assert.NotEmpty(sprState.ShapeProblems(HostCpu.Zen5));
        Assert.Throws<ArgumentException>(() => ArchitectureOracle.Run(HostCpu.Zen5, sprState, new XgetbvOp(0)));
    }
}
