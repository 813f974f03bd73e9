using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Contract.Protocol;
using Xsave.Oracle;

namespace Xsave.Cli.Tests.Protocol;

/// <summary>
/// The protocol's JSON is exact: answers of the oracle (instruction outcomes with buffers and unspecified ranges,
/// kernel outcomes with data, CPUID, exits and signals, snapshots with vCPUs) compare equal after a trip through it,
/// and writing them again gives the same text.
/// </summary>
public class ProtocolJsonRoundTripTests
{
    private static readonly CpuModel Cpu = TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8");

    private static T Trip<T>(T value)
    {
        var text = JsonSerializer.Serialize(value, ProtocolJson.Options);
        var back = JsonSerializer.Deserialize<T>(text, ProtocolJson.Options)!;
        Assert.Equal(text, JsonSerializer.Serialize(back, ProtocolJson.Options));
        return back;
    }

    public static TheoryData<string> Instructions() => new(["xsave", "xsaveopt", "xsavec", "xgetbv", "xsetbv-bad"]);

    [Theory]
    [MemberData(nameof(Instructions))]
    public void InstructionOutcomes_RoundTripExactly(string which)
    {
        var arch = new OracleImplementation().Architecture(Cpu);
        var state = MachineState.Init(Cpu) with { Xcr0 = Cpu.SupportedXcr0, Xss = Cpu.SupportedXss };
        state = state.WithComponent(XFeature.Ymm, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var buffer = XsaveBuffer.Filled(16384, 0xA5);
        ArchOperation op = which switch
        {
            "xsave" => new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, buffer),
            "xsaveopt" => new XsaveFamilyOp(XsaveInstruction.Xsaveopt, FeatureMask.All, buffer),
            "xsavec" => new XsaveFamilyOp(XsaveInstruction.Xsavec, FeatureMask.All, buffer),
            "xgetbv" => new XgetbvOp(0),
            _ => new XsetbvOp(0, new FeatureMask(0x4)),
        };
        Assert.Equal(op, Trip(op));
        Assert.Equal(state, Trip(state));
        var outcome = arch.Execute(state, op);
        var back = Trip(outcome);
        Assert.Equal(outcome, back);
        Assert.Empty(outcome.Differences(back));
    }

    [Fact]
    public void KernelOutcomesAndSnapshots_RoundTripExactly()
    {
        var kernel = new OracleImplementation().Boot(Cpu, KernelConfig.Default);
        Assert.Equal(kernel.Boot, Trip(kernel.Boot));
        KernelOp[] ops =
        [
            new ArchPrctlOp(1, Uapi.ArchPrctl.GetXcompSupp, 0x7ffd0000),
            new XfdFaultOp(1, 0, FeatureMask.Of(XFeature.XtileData)),
            new ForkOp(1),
            new KvmGetSupportedCpuidOp(1),
            new VcpuCreateOp(1),
            new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7), new GuestRdmsr(0xDA0), new GuestWrmsr(0x1C4, 1UL << 18), new HostKernelFpuUse()]),
            new GetXsaveOp(0),
            new PtraceGetXstateOp(1, 0, 4096),
        ];
        foreach (var op in ops)
        {
            Trip(op); // operations hold lists: compared as text (Trip checks it)
            var outcome = kernel.Apply(op);
            Assert.Equal(outcome, Trip(outcome));
            var snapshot = kernel.Snapshot()!;
            Assert.Equal(snapshot, Trip(snapshot));
        }
    }
}
