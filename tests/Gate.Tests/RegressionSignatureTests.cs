using System.Text.Json.Nodes;
using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;

namespace Xsave.Gate.Tests;

/// <summary>
/// Issue 15 item 16: shrinking lands on different inputs from run to run, so a failure whose signature (property,
/// implementation, the differing answer fields) matches a known file is reported as known, and the smaller of the
/// two inputs is kept — never a second file for the same bug.
/// </summary>
public class RegressionSignatureTests
{
    private static RegressionRecord WithInput(string mask, string padding = "") =>
        RegressionFileTests.Sample(mask: mask) with
        {
            Input = new JsonObject { ["mask"] = new JsonObject { ["hex"] = mask }, ["cpu"] = new JsonObject { ["origin"] = "corpus:x" + padding } },
        };

    [Fact]
    public void SameBug_LargerInput_IsKnown_NothingWritten()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        var first = store.Save(WithInput("0x1200"));
        var again = store.Save(WithInput("0x1201", padding: "-with-a-longer-origin"));
        Assert.Equal(SaveStatus.AlreadyKnown, again.Status);
        Assert.Equal(first.Path, again.Path);
        Assert.Single(dir.AllFiles());
    }

    [Fact]
    public void SameBug_SmallerInput_ReplacesTheLargerFile_AndSaysSo()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        var larger = store.Save(WithInput("0x1200", padding: "-with-a-longer-origin"));
        var smaller = store.Save(WithInput("0x1201"));
        Assert.Equal(SaveStatus.Written, smaller.Status);
        Assert.Contains($"replaces {Path.GetFileName(larger.Path)}", smaller.Message);
        Assert.Equal([Path.GetFileName(smaller.Path)], dir.AllFiles());
    }

    [Fact]
    public void SameFieldsDiffering_InAnotherImplementation_IsAnotherBug()
    {
        using var dir = new Scratch();
        var store = new RegressionStore(dir.Path);
        store.Save(WithInput("0x1200"));
        var other = store.Save(WithInput("0x1201") with { Implementation = "mutant:other" });
        Assert.Equal(SaveStatus.Written, other.Status);
        Assert.Equal(2, dir.AllFiles().Count);
    }

    [Fact]
    public void LawsWithoutAnAnswer_CompareTheirMessage_NumbersBlanked()
    {
        var a = WithInput("0x1") with { Observed = null, Expected = null, Failure = "labels: component 17 at 600 is not 64-byte aligned" };
        var b = a with { Failure = "labels: component 18 at 0x2c0 is not 64-byte aligned" };
        var c = a with { Failure = "labels: size 600 != last end 664" };
        Assert.Equal(RegressionSignature.Of(a), RegressionSignature.Of(b));
        Assert.NotEqual(RegressionSignature.Of(a), RegressionSignature.Of(c));
    }
}
