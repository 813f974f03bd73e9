using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests;

/// <summary>
/// One error policy for the CPU corpus in every verb that reads it: a file that does not load is named (path and
/// reason) on stderr, and the run is bad input (exit 2), even when the verb could answer for the other CPUs.
/// </summary>
public sealed class CorpusPolicyTests : IDisposable
{
    private const string Spr = "intel-sapphirerapids-806f8";
    private readonly TempDirectory _dir = new();
    private readonly string _cpus;
    private readonly string _broken;

    public CorpusPolicyTests()
    {
        _cpus = Path.Combine(_dir.Path, "cpus");
        Directory.CreateDirectory(_cpus);
        File.Copy(RawCorpus.PathOf(Spr), Path.Combine(_cpus, Spr + ".json"));
        _broken = Path.Combine(_cpus, "broken.json");
        File.WriteAllText(_broken, "[1, 2");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "regressions"));
        File.WriteAllText(Path.Combine(_dir.Path, "one.yaml"), $"cpu: {Spr}\nsteps:\n  - arch_prctl: {{option: ARCH_REQ_XCOMP_PERM, arg: 18}}\n    expect: {{result: 0}}\n");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Verbs() => new()
    {
        "cpus --cpus {cpus}",
        $"layout --cpu {Spr} --cpus {{cpus}}",
        $"boot --cpu {Spr} --cpus {{cpus}}",
        "policies --cpus {cpus}",
        "self-check --cpus {cpus}",
        $"bench --cpu {Spr} --seconds 0.001 --cpus {{cpus}}",
        "check --max-tests 1 --property layout.sizes.differential --regressions {dir}/regressions --cpus {cpus}",
        "replay --regressions {dir}/regressions --cpus {cpus}",
        "scenario {dir}/one.yaml --cpus {cpus}",
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void BrokenCorpusFile_IsNamed_AndTheRunIsBadInput(string command)
    {
        var args = command.Replace("{cpus}", _cpus).Replace("{dir}", _dir.Path).Split(' ');
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == ExitCodes.InputError, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.Contains(run.ErrorLines, line => line.StartsWith("error: ", StringComparison.Ordinal) && line.Contains(_broken + ":"));
        Assert.DoesNotContain("   at ", run.Stderr);
    }
}
