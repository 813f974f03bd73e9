using Xsave.Cli.Tests.Support;
using Xsave.TestSupport;

namespace Xsave.Cli.Tests.Protocol;

/// <summary>
/// The sample outside .NET (samples/python, written from docs/protocol.md): the gate passes it on the parts it
/// declares (layout, register validity) and reports every other property skipped with the reason; its copy with the
/// H13 bug (compacted offsets not 64-byte aligned) fails the compacted-layout laws (SPEC R15) and nothing else.
/// </summary>
public class PythonSampleTests
{
    /// <summary>Every property family that asks the implementation something.</summary>
    private const string ConformanceFamilies = "layout.*,registers.*,instructions.*,kernel.*";

    [SkippableFact]
    public void Sample_PassesItsParts_AndTheRestIsSkippedWithTheReason()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", "process:python3 " + Python.Script("samples", "python", "xsave_server.py"), "--max-tests", "100", "--json", "--regressions", dir.Path,
            "--property", ConformanceFamilies); // fuzz.* checks the runner's own input layers, not the implementation
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stdout + run.Stderr);
        foreach (var (name, p) in GateFiles.Properties(run.Json()))
        {
            bool declared = name.StartsWith("layout.", StringComparison.Ordinal) || name.StartsWith("registers.", StringComparison.Ordinal);
            Assert.Equal(declared ? "passed" : "skipped", p.GetProperty("result").GetString());
            if (declared) Assert.Equal(100, p.GetProperty("cases").GetInt32());
            else Assert.Contains("does not implement", p.GetProperty("reason").GetString());
        }
    }

    [SkippableFact]
    public void UnalignedCopy_FailsTheCompactedLayoutLaws()
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", "process:python3 " + Python.Script("samples", "python", "xsave_server_unaligned.py"), "--property", "layout.*,registers.*",
            "--max-tests", "100", "--json", "--regressions", dir.Path);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var properties = GateFiles.Properties(run.Json());
        Assert.Equal("failed", properties["layout.compacted.differential"].GetProperty("result").GetString());
        Assert.Equal("failed", properties["layout.compacted.aligned-and-disjoint"].GetProperty("result").GetString());
        // The standard format and the register checks do not use the alignment flag.
        foreach (var name in new[] { "layout.standard.differential", "registers.xcr0.differential", "registers.xss.differential", "registers.xfd.differential" })
            Assert.Equal("passed", properties[name].GetProperty("result").GetString());
        Assert.NotEmpty(Directory.EnumerateFiles(dir.Path, "*.json"));
    }
}
