using System.Text.Json;
using Xsave.Adapters.Kernel;
using Xsave.Cli.Composition;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Kernel;

/// <summary>
/// The emulator as an implementation (issue 13), where qemu-x86_64 and the native helper exist (a reported skip
/// elsewhere; .ci/run installs qemu-user as root): the instruction laws on qemu-user:max find only the known findings
/// of docs/findings/expected.json, reported as expected failures, and F4 is found from random inputs.
/// </summary>
public class QemuUserCheckTests
{
    private static readonly string[] KnownFindings = ["F4", "F6", "F7", "F10", "F12"];

    private static void SkipWithoutQemu()
    {
        var qemu = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, KernelImplementations.QemuProgram)).FirstOrDefault(File.Exists);
        Skip.If(qemu is null, $"{KernelImplementations.QemuProgram} not on PATH (apt-get install qemu-user; .ci/run does it as root)");
        Skip.If(NativeHelper.Locate(out var reason) is null, reason);
    }

    private static JsonElement Check(TempDirectory dir, params string[] extra)
    {
        var run = CliRun.Of(["check", "--impl", "qemu-user:max", "--property", "instructions.*", "--json", "--regressions", dir.Path, .. extra]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: a failure that is not a known finding\n{run.Stdout}\n{run.Stderr}");
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [SkippableFact]
    public void Qemu_max_fails_only_with_known_findings()
    {
        SkipWithoutQemu();
        using var dir = new TempDirectory();
        var doc = Check(dir, "--max-tests", "300");
        var properties = doc.GetProperty("properties").EnumerateArray().ToList();
        Assert.All(properties, p => Assert.Contains(p.GetProperty("result").GetString(), new[] { "passed", "skipped", "expected-failure" }));
        var expected = properties.Where(p => p.GetProperty("result").GetString() == "expected-failure").ToList();
        Assert.NotEmpty(expected);
        Assert.All(expected, p =>
        {
            Assert.Contains(p.GetProperty("expected_failure").GetProperty("finding").GetString(), KnownFindings);
            Assert.True(File.Exists(p.GetProperty("regression_file").GetString()), "an expected failure still has its shrunk regression file");
        });
        // The CPU-level laws ran: some passed with cases on the emulated CPU.
        Assert.Contains(properties, p => p.GetProperty("result").GetString() == "passed" && p.GetProperty("cases").GetInt32() > 0);
        Assert.Equal(0, doc.GetProperty("summary").GetProperty("failed").GetInt32());
    }

    /// <summary>F4 (XRSTOR of a reserved MXCSR bit does not #GP under TCG) is found by the random differential
    /// law within the default budget, not from a hand-written case.</summary>
    [SkippableFact]
    public void F4_is_found_from_random_inputs_within_the_default_budget()
    {
        SkipWithoutQemu();
        using var dir = new TempDirectory();
        var doc = Check(dir);
        var law = doc.GetProperty("properties").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "instructions.xrstor.fault-predicate.differential");
        Assert.Equal("expected-failure", law.GetProperty("result").GetString());
        Assert.Equal("F4", law.GetProperty("expected_failure").GetProperty("finding").GetString());
        var file = law.GetProperty("regression_file").GetString()!;
        Assert.StartsWith(dir.Path, file); // written by this run from its own random cases
        Assert.Contains("sets reserved bits", File.ReadAllText(file));
    }

    /// <summary>Without the table the same findings are failures: the expected failures are not a blanket skip.</summary>
    [SkippableFact]
    public void Without_the_table_the_findings_fail_the_run()
    {
        SkipWithoutQemu();
        using var dir = new TempDirectory();
        var empty = dir.Write("none.json", "{\"expected_failures\": []}");
        var run = CliRun.Of("check", "--impl", "qemu-user:max", "--property", "instructions.xrstor.fault-predicate.differential",
            "--json", "--regressions", dir.Path, "--expected-failures", empty);
        Assert.Equal(ExitCodes.CheckFailed, run.ExitCode);
        var law = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("properties").EnumerateArray());
        Assert.Equal("failed", law.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, law.GetProperty("expected_failure").ValueKind);
    }

    [Fact]
    public void A_missing_expected_failure_table_is_an_input_error()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of("check", "--impl", "optimized", "--property", "layout.*", "--max-tests", "1", "--regressions", dir.Path,
            "--expected-failures", Path.Combine(dir.Path, "absent.json"));
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("--expected-failures: no such file", run.Stderr);
    }

    [Fact]
    public void Qemu_user_honours_impl_timeout()
    {
        var run = CliRun.Of("check", "--impl", "qemu-user:max", "--impl-timeout", "0", "--property", "instructions.*");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--impl-timeout must be more than 0", run.Stderr);
    }
}
