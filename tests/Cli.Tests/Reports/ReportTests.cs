using System.Text.Json;
using Xsave.Cli.Reports;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle;
using Xsave.TestSupport;

namespace Xsave.Cli.Tests.Reports;

/// <summary>
/// The boot report and the policy cost table, mapped from the oracle's answers through the contract. Expected numbers:
/// KO §0/§1a (Zen 5) and SPEC R16 (SPR).
/// </summary>
public class ReportTests
{
    private const string SapphireRapids = "intel-sapphirerapids-806f8";

    private static CpuModel Zen5Ko() => ObservedHost.Zen5() with { Id = "ko-zen5-host" };

    private static CpuModel Spr() => Corpus.Cpu(SapphireRapids);

    private static BootSummary Boot(CpuModel cpu, CetSupervisorPolicy policy) =>
        new OracleImplementation().Boot(cpu, KernelConfig.Default with { Policy = policy }).Boot;

    [Fact]
    public void BootReport_Zen5_ExactJson()
    {
        var json = BootReport.From(Boot(Zen5Ko(), CetSupervisorPolicy.Merged), "ko-zen5-host", CetSupervisorPolicy.Merged).ToJson(indented: false);
        Assert.Equal(
            "{\"cpu\":\"ko-zen5-host\",\"policy\":\"merged\",\"xsave\":true,\"compacted\":true,\"disabled_reason\":null," +
            "\"xcr0\":\"0xe7\",\"xss\":\"0x1800\"," +
            "\"kernel\":{\"max_features\":\"0x18e7\",\"default_features\":\"0x8e7\",\"independent_features\":\"0x0\",\"max_size\":2472,\"default_size\":2448}," +
            "\"user\":{\"max_features\":\"0xe7\",\"default_features\":\"0xe7\",\"max_size\":2432,\"default_size\":2432}," +
            "\"guest\":{\"features\":\"0x18e7\",\"size\":2472}}",
            json);
    }

    [Fact]
    public void BootReport_KeyOrder()
    {
        using var doc = JsonDocument.Parse(BootReport.From(Boot(Spr(), CetSupervisorPolicy.AllTasks), SapphireRapids, CetSupervisorPolicy.AllTasks).ToJson());
        Assert.Equal(["cpu", "policy", "xsave", "compacted", "disabled_reason", "xcr0", "xss", "kernel", "user", "guest"],
            doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("all-tasks", doc.RootElement.GetProperty("policy").GetString());
        Assert.Equal(["max_features", "default_features", "independent_features", "max_size", "default_size"],
            doc.RootElement.GetProperty("kernel").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData("merged", CetSupervisorPolicy.Merged)]
    [InlineData("ALL-TASKS", CetSupervisorPolicy.AllTasks)]
    [InlineData("none", CetSupervisorPolicy.None)]
    public void PolicyNames_RoundTrip(string text, CetSupervisorPolicy expected)
    {
        Assert.True(BootReport.TryParsePolicy(text, out var policy));
        Assert.Equal(expected, policy);
        Assert.False(BootReport.TryParsePolicy("case3", out _));
    }

    [Fact]
    public void PolicyCosts_Zen5AndSpr()
    {
        var rows = PolicyCosts.For(new OracleImplementation(), [("ko-zen5-host", Zen5Ko()), (SapphireRapids, Spr())]);
        var zen5 = rows[0];
        // Merged: host 2448 (KO §0 offset[12]), guest 2472 (context size); AllTasks: both 2472; None: both 2448.
        Assert.Equal(new PolicyCost(true, 2448, 2472), zen5.Merged);
        Assert.Equal(new PolicyCost(true, 2472, 2472), zen5.AllTasks);
        Assert.Equal(new PolicyCost(true, 2448, 2448), zen5.None);
        // SPR (R16): 2560 under every policy — CET_S fits in TILECFG's alignment padding.
        var spr = rows[1];
        Assert.Equal(new PolicyCost(true, 2560, 2560), spr.Merged);
        Assert.Equal(new PolicyCost(true, 2560, 2560), spr.AllTasks);
        Assert.Equal(new PolicyCost(true, 2560, 2560), spr.None);
    }

    [Fact]
    public void PolicyCosts_WholeCorpus_GuestNeverSmallerThanHost()
    {
        var rows = PolicyCosts.For(new OracleImplementation(), Corpus.Profiles.Select(p => (p.Id, p.ToCpuModel())));
        Assert.Equal(Corpus.Profiles.Count, rows.Count);
        foreach (var row in rows)
            foreach (var cost in new[] { row.Merged, row.AllTasks, row.None })
                Assert.True(cost.GuestDefaultSize >= cost.HostDefaultSize);
    }
}
