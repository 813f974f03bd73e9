using System.Text.Json;
using Xsave.Cli.Commands;
using Xsave.Cli.Kernel;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>The 'kernel --json' shape (issue 14's output contract) and the exit codes.</summary>
public sealed class KernelJsonTests
{
    private static (int Exit, JsonElement Json) RunJson(ProbeRunner runner, params string[] groups)
    {
        var stdout = new StringWriter();
        var context = new CliContext(stdout, new StringWriter(), OutIsTerminal: false, _ => null);
        int exit = KernelCommand.Run(context, json: true, all: false, groups, runner: runner);
        using var doc = JsonDocument.Parse(stdout.ToString());
        return (exit, doc.RootElement.Clone());
    }

    private static void AssertShape(JsonElement root)
    {
        Assert.Equal(["host", "checks", "summary"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("host").ValueKind);
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        foreach (var c in checks)
        {
            Assert.Equal(["name", "group", "result", "expected", "observed", "reason"], c.EnumerateObject().Select(p => p.Name));
            Assert.Contains(c.GetProperty("result").GetString(), new[] { "agree", "disagree", "skipped" });
        }
        var summary = root.GetProperty("summary");
        Assert.Equal(["agree", "disagree", "skipped"], summary.EnumerateObject().Select(p => p.Name));
        foreach (var r in new[] { "agree", "disagree", "skipped" })
            Assert.Equal(checks.Count(c => c.GetProperty("result").GetString() == r), summary.GetProperty(r).GetInt32());
    }

    [Fact]
    public void Without_the_helper_the_json_has_the_contract_shape_and_exit_0()
    {
        var (exit, json) = RunJson(new ProbeRunner(null, "native helper not built: the kernel checks need Linux", TimeSpan.FromSeconds(1)));

        AssertShape(json);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.False(json.GetProperty("host").GetProperty("available").GetBoolean());
        Assert.Equal(0, json.GetProperty("summary").GetProperty("agree").GetInt32());
    }

    [SkippableFact]
    public void On_this_host_the_json_has_the_contract_shape()
    {
        var runner = ProbeRunner.Locate();
        Skip.If(runner.Unavailable is not null, runner.Unavailable);

        var (exit, json) = RunJson(runner, CpuChecks.Group, ArchPrctlChecks.Group);

        AssertShape(json);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(json.GetProperty("host").GetProperty("available").GetBoolean());
        Assert.Matches("^0x[0-9a-f]+$", json.GetProperty("host").GetProperty("xcr0").GetString()!);
    }

    [SkippableFact]
    public void A_disagreement_makes_the_exit_code_CheckFailed()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists(FakeProbe.RealProbe), "native helper not built");
        using var probe = new FakeProbe(("xsave", $"'{FakeProbe.RealProbe}' xsave | sed 's/\"buffer\":\"7f02/\"buffer\":\"7f03/'"));

        var (exit, json) = RunJson(probe.Runner(), InstructionChecks.Group);

        AssertShape(json);
        Assert.True(json.GetProperty("summary").GetProperty("disagree").GetInt32() > 0);
        Assert.Equal(ExitCodes.CheckFailed, exit);
    }

    [Fact]
    public void An_unknown_group_is_an_input_error()
    {
        var stderr = new StringWriter();
        var context = new CliContext(new StringWriter(), stderr, OutIsTerminal: false, _ => null);

        int exit = KernelCommand.Run(context, json: false, all: false, ["nosuch"]);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("--group 'nosuch'", stderr.ToString());
    }
}
