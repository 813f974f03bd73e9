using System.Text;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 items 2, 3, 10, 12 and 13 on the scenario verb: nesting that overflowed the stack, symlink loops that hung
/// or ran files 41 times, negative or out-of-range sizes that crashed both sides, iov_len read with the wrong range, and
/// YAML errors without meaning. Bad input is exit 2 with file:line; the other files still run.
/// </summary>
public class ScenarioInputTests
{
    private const string Header = "cpu: intel-sapphirerapids-806f8\nsteps:\n";
    private const string Good = Header + "  - kvm_create_vcpu: {}\n    expect: {created: 0}\n";

    [Fact]
    public void Item2_DeeplyNestedNote_IsOneFilesError_AndTheRunGoesOn()
    {
        using var dir = new TempDirectory();
        dir.Write("a-good.yaml", Good);
        var deep = new StringBuilder(Header + "  - kvm_create_vcpu: {}\n    note: ");
        deep.Append(string.Concat(Enumerable.Repeat("{a: ", 20_000))).Append('1').Append(new string('}', 20_000)).Append('\n');
        dir.Write("b-deep.yaml", deep.ToString());
        var run = CliRun.Of("scenario", dir.Path);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("PASS", run.Stdout);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("b-deep.yaml:4:", line);
        Assert.Contains("nested more than", line);
    }

    [SkippableFact]
    public void Item3_SymlinkLoops_EachFileOnce_NoHang()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var dir = new TempDirectory();
        var s = Directory.CreateDirectory(Path.Combine(dir.Path, "s")).FullName;
        Directory.CreateDirectory(Path.Combine(s, "sub"));
        File.WriteAllText(Path.Combine(s, "one.yaml"), Good);
        File.WriteAllText(Path.Combine(s, "sub", "two.yaml"), Good);
        Directory.CreateSymbolicLink(Path.Combine(s, "self"), s);
        Directory.CreateSymbolicLink(Path.Combine(s, "sub", "up"), "..");
        var run = CliRun.Of("scenario", s, "--json");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var files = run.Json().GetProperty("scenarios").EnumerateArray().Select(e => e.GetProperty("file").GetString()).ToList();
        Assert.Equal(2, files.Count);
    }

    public static TheoryData<string, string> OutOfRange() => new()
    {
        { "  - kvm_create_vcpu: {}\n  - kvm_set_xsave: {image: {size: -4096}}\n", ":4:" },
        { "  - ptrace_setregset: {image: {size: -8}}\n", ":3:" },
        { "  - machine: {xcr0: 3}\n  - xsave: {buffer: {size: -64}}\n", ":4:" },
        { "  - ptrace_setregset: {image: {size: 11008, u64: {11004: 1}}}\n", ":3:" },
        { "  - ptrace_setregset: {image: {size: 1, xstate_bv: 0x3}}\n", ":3:" },
        { "  - ptrace_setregset: {image: {size: 2000000000}}\n", ":3:" },
        { "  - kvm_get_xsave2: {size: -5}\n", ":3:" },
        // Item 12: iov_len is a size_t: -1 is not one.
        { "  - ptrace_getregset: {iov_len: -1}\n", ":3:" },
        { "  - arch_prctl: {option: 0xffffffff}\n", ":3:" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Item10_NegativeOrOutOfRangeSizes_AreInputErrors_WithFileAndLine(string steps, string position)
    {
        using var dir = new TempDirectory();
        var file = dir.Write("case.yaml", Header + steps);
        var run = CliRun.Of("scenario", file);
        OneLine.AssertInputError(run, file + position);
        Assert.DoesNotContain("Exception", run.Stdout + run.Stderr);
    }

    /// <summary>Item 12: the kernel clamps iov_len to the regset size (R71): 2^63 reads the whole 11008-byte area
    /// (CPUID.(0xD,0).ECX = 0x2b00 on this CPU).</summary>
    [Fact]
    public void Item12_HugeIovLen_IsClampedLikeTheKernel()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("case.yaml", Header + "  - ptrace_getregset: {iov_len: 0x8000000000000000}\n    expect: {data.size: 11008}\n");
        var run = CliRun.Of("scenario", file);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stdout + run.Stderr);
    }

    [Fact]
    public void Item13_YamlErrors_SayWhatIsWrong_NotDotNetState()
    {
        using var dir = new TempDirectory();
        foreach (var (name, text) in new[] { ("a.yaml", Header + "  - {[\n"), ("b.yaml", "cpu: [\n"), ("c.yaml", Header + "  - x: \"\n") })
        {
            var run = CliRun.Of("scenario", dir.Write(name, text));
            Assert.Equal(ExitCodes.InputError, run.ExitCode);
            Assert.DoesNotContain("Operation is not valid", run.Stderr + run.Stdout);
            Assert.Contains(name + ":", Assert.Single(run.ErrorLines));
        }
    }

    /// <summary>Item 10: a step whose input fails at run time (no saved image yet) is labelled with its own operation,
    /// not with the step before it.</summary>
    [Fact]
    public void Item10_StepInputError_IsLabelledWithItsOwnStep()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("case.yaml", Header + "  - kvm_create_vcpu: {}\n  - kvm_set_xsave: {image: saved}\n");
        var run = CliRun.Of("scenario", file);
        var step = Assert.Single(run.Stdout.Split('\n'), l => l.Contains("step 1 (line 4)", StringComparison.Ordinal));
        Assert.DoesNotContain("KVM_CREATE_VCPU", step);
        Assert.Contains("no earlier step of this scenario produced an image", run.Stdout);
    }
}
