using Xsave.Contract.Cpus;
using Xsave.Oracle;
using Xsave.Scenarios.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Scenarios.Tests;

/// <summary>A malformed file yields an error naming file and line (never an exception), and the other files still run.</summary>
public class MalformedScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Good = """
        # source: test
        cpu: intel-sapphirerapids-806f8
        steps:
          - arch_prctl: {option: ARCH_REQ_XCOMP_PERM, arg: 18}
            expect: {result: 0}
        """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("unknown-op.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n  - arch_prctl: {option: ARCH_GET_XCOMP_PERM}\n  - frobnicate: {vcpu: 0}\n", 4, "unknown operation 'frobnicate'")]
    [InlineData("bad-arg.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n  - sigaltstack: {size: 4096, colour: blue}\n", 3, "unknown argument 'colour'")]
    [InlineData("bad-value.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n\n  - arch_prctl: {option: ARCH_NOPE}\n", 4, "option 'ARCH_NOPE'")]
    [InlineData("bad-field.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n  - fork: {}\n    expect: {p1.colour: 3}\n", 4, "'p1.colour' is not a field")]
    [InlineData("syntax.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n  - fork: {pid: 1\n  - exec: {}\n", 3, "YAML syntax error")]
    [InlineData("unknown-cpu.yaml", "cpu: intel-nonesuch-000\nsteps: []\n", 1, "no corpus profile")]
    public void MalformedFile_ErrorNamesFileAndLine_OthersStillRun(string name, string text, int line, string message)
    {
        var bad = Write(name, text);
        var good = Write("good.yaml", Good);
        var results = ScenarioCorpus.Suite.Run(ScenarioSuite.Expand([_dir]).Files, () => new OracleImplementation());

        var badResult = Assert.Single(results, r => r.File == bad);
        Assert.Equal(Verdict.HarnessError, badResult.Verdict);
        Assert.NotNull(badResult.Error);
        Assert.StartsWith($"{bad}:{line}:", badResult.Error);
        Assert.Contains(message, badResult.Error);
        Assert.Equal(Verdict.Pass, Assert.Single(results, r => r.File == good).Verdict);
    }

    [Fact]
    public void FailingExpectation_FailsTheStep_WithTheLineOfTheExpectation()
    {
        var path = Write("wrong.yaml", "cpu: intel-sapphirerapids-806f8\nsteps:\n  - arch_prctl: {option: ARCH_REQ_XCOMP_PERM, arg: 2}\n    expect: {result: 0}\n");
        var result = ScenarioCorpus.Suite.RunFile(path, () => new OracleImplementation());
        Assert.Equal(Verdict.Diverge, result.Verdict);
        // R65 step 2: only index 18 is requestable; 2 (YMM) gives -EOPNOTSUPP.
        Assert.Contains("expected 0, got -EOPNOTSUPP (line 4)", result.Steps[0].Reason);
    }

    [Fact]
    public void JsonReport_HasTheDocumentedShape()
    {
        var path = Write("good.yaml", Good);
        var json = ScenarioReport.ToJson(ScenarioCorpus.Suite.Run([path], () => new OracleImplementation()));
        var step = json["scenarios"]![0]!["steps"]![0]!.AsObject();
        Assert.Equal(["index", "op", "expected", "oracle", "implementation", "verdict", "reason"], step.Select(kv => kv.Key));
        Assert.Equal("pass", (string?)json["scenarios"]![0]!["verdict"]);
        Assert.Equal(1, (int)json["summary"]!["pass"]!);
        Assert.Equal(0, (int)json["summary"]!["fail"]!);
    }

    /// <summary>A scenario naming a CPU whose corpus file did not load says so (with the file and why), not "unknown".</summary>
    [Fact]
    public void CpuWhoseFileDidNotLoad_TheErrorSaysSo()
    {
        var cpus = Directory.CreateDirectory(Path.Combine(_dir, "cpus")).FullName;
        var brokenCpu = Path.Combine(cpus, "broken-cpu.json");
        File.WriteAllText(brokenCpu, "{\"id\": \"broken-cpu\", ");
        var suite = new ScenarioSuite(CpuCorpus.Load(cpus), () => new OracleImplementation());
        var path = Write("uses-broken.yaml", "cpu: broken-cpu\nsteps: []\n");

        var result = suite.RunFile(path, () => new OracleImplementation());
        Assert.Equal(Verdict.HarnessError, result.Verdict);
        Assert.StartsWith($"{path}:1:", result.Error);
        Assert.Contains("cpu 'broken-cpu': its profile file did not load", result.Error);
        Assert.Contains(brokenCpu, result.Error);
        Assert.Single(suite.Corpus.Problems);
    }
}
