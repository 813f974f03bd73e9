using System.Text.Json.Nodes;
using Xsave.Contract.Linux;
using Xsave.Gate.Regressions;
using Xsave.Oracle;
using Xsave.Properties.Generators;
using Xsave.Scenarios.Conversion;
using Xsave.Scenarios.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Scenarios.Tests;

/// <summary>A kernel-law regression file converts to a scenario that reads back to the very same operations.</summary>
public class RegressionConversionTests
{
    private static readonly KernelOp[] Ops =
    [
        new ArchPrctlOp(1, 0x1025, 18),
        new VcpuCreateOp(1),
        new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new Contract.CpuidRegs(0x602E7, 0, 0, 0))]),
        new SetXsaveOp(0, MakeImage()),
        new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x602E7), new GuestWrmsr(0x1C4, 1UL << 18), new HostKernelFpuUse()]),
        new GetXsave2Op(0, 11008),
        new ForkOp(1),
        new SigaltstackOp(2, 0, 8192),
        new PtraceSetXstateOp(1, 0, MakeImage(1000)),
        new VcpuInitOp(0),
    ];

    private static byte[] MakeImage(int size = 4096)
    {
        var b = new byte[size];
        BitConverter.GetBytes(0x1F80u).CopyTo(b, 24);
        BitConverter.GetBytes(0x3UL).CopyTo(b, 512);
        b[size - 1] = 0x5A;
        return b;
    }

    [Fact]
    public void RegressionFile_ConvertsToScenario_WithTheSameOperations()
    {
        var cpu = ScenarioCorpus.Suite.Cpu("intel-sapphirerapids-806f8")!;
        var ks = new KernelScenario(new CpuCase(cpu, null), KernelConfig.Default with { Policy = CetSupervisorPolicy.AllTasks }, Ops);
        var record = new RegressionRecord { Property = "kernel.differential", Input = KernelScenarioCodec.Instance.Encode(ks), Implementation = "mutant:x", Failure = "step 3 differs" };

        Assert.True(RegressionToScenario.TryConvert(record, "kernel.differential-abc.json", ScenarioCorpus.Suite.Cpu, out var yaml, out var error), error);
        Assert.Contains("# source: regression file kernel.differential-abc.json", yaml);
        Assert.Contains("cpu: intel-sapphirerapids-806f8", yaml);

        var parsed = ScenarioCorpus.Suite.Parser.Parse("converted.yaml", yaml!);
        Assert.True(parsed.Scenario is not null, parsed.Error?.ToString());
        Assert.Equal(CetSupervisorPolicy.AllTasks, parsed.Scenario.Config.Policy);

        // Read back: each kernel step builds the same operation (compared through the contract's JSON form).
        var inputs = new Model.SideInputs(cpu, null, null);
        var built = parsed.Scenario.Steps.Select(s => s.Action).OfType<Model.KernelAction>().Select(k => k.Build(inputs)).ToList();
        Assert.Equal(Ops.Length, built.Count);
        for (int i = 0; i < Ops.Length; i++)
            Assert.Equal(Json(Ops[i]), Json(built[i]));
        Assert.IsType<Model.InvariantsAction>(parsed.Scenario.Steps[^1].Action);

        var result = new ScenarioRunner(() => new OracleImplementation(), () => new OracleImplementation()).Run(parsed.Scenario);
        Assert.NotEqual(Verdict.NotApplicable, result.Verdict);
    }

    [Fact]
    public void NonKernelRegression_IsRefusedWithAMessage()
    {
        var record = new RegressionRecord { Property = "layout.compacted", Input = new JsonObject { ["mask"] = "0x3" } };
        Assert.False(RegressionToScenario.TryConvert(record, "x.json", ScenarioCorpus.Suite.Cpu, out _, out var error));
        Assert.Contains("only kernel-law regressions convert", error);
    }

    private static string Json(KernelOp op) => System.Text.Json.JsonSerializer.Serialize(op, KernelScenarioCodec.Options);
}
