using Xsave.Cli.Rendering;
using Xsave.Gate.Running;
using Xsave.Gate.Selection;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Tests;

/// <summary>A harness error reads as one: ERROR, not FAILED, with the implementation's stack under --verbose only.</summary>
public class HarnessErrorViewTests
{
    private const string Stack = "System.InvalidOperationException: no case for KVM_GET_XSAVE\n   at Impl.Apply(KernelOp op)";

    private static CheckReport Report() => new("mutant:x", 1, ShardSpec.Whole, 100, null, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), false,
    [
        new PropertyReport("kernel.kvm.differential", ["R89"], Verdict.HarnessError, 3, TimeSpan.FromMilliseconds(20),
            "mutant:x threw at step 1 vcpu0 KVM_GET_XSAVE: InvalidOperationException: no case for KVM_GET_XSAVE", null,
            new FailureDetails("p1 ...", null, "mutant:x threw at step 1", 7, 0, 2, null, Stack)),
    ]);

    private static string Render(bool verbose)
    {
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), OutIsTerminal: false, _ => null) { Verbose = verbose };
        CheckView.Render(context, Report());
        return output.ToString();
    }

    [Fact]
    public void HarnessError_IsShownAsAnError_WithTheStackOnlyUnderVerbose()
    {
        var quiet = Render(verbose: false);
        Assert.Contains("kernel.kvm.differential ERROR (harness error", quiet);
        Assert.Contains("(rerun with --verbose for the implementation's stack trace)", quiet);
        Assert.DoesNotContain("at Impl.Apply", quiet);

        var verbose = Render(verbose: true);
        Assert.Contains("| System.InvalidOperationException: no case for KVM_GET_XSAVE", verbose);
        Assert.Contains("|    at Impl.Apply(KernelOp op)", verbose);
    }
}
