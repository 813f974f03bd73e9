using System.Diagnostics;
using System.Text.Json.Nodes;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 items 4-7 and 13: profile files that used to read forever, or gave silently wrong layouts with exit 0, are
/// refused with one line naming the file and the sub-leaf (exit 2). Each case mutates the real Sapphire Rapids
/// profile in one place, so nothing else about it is wrong.
/// </summary>
public class ProfileInputTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    private static JsonObject Profile() => JsonNode.Parse(File.ReadAllText(RawCorpus.PathOf(Spr)))!.AsObject();

    private static CliRun Layout(TempDirectory dir, string text) => CliRun.Of("layout", "--cpu", dir.Write("p.json", text), "--json");

    [Fact]
    public void Item4_DevZeroAsProfile_EndsQuickly_WithASizeError()
    {
        var clock = Stopwatch.StartNew();
        var run = CliRun.Of("layout", "--cpu", "/dev/zero");
        OneLine.AssertInputError(run, "/dev/zero", "larger than");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    public static TheoryData<string, int, string, string> SignedRegisters() => new()
    {
        // Item 5: a register with the top bit set is not a negative size; it is no plausible size at all.
        { "2", 0, "0xFFFFFFFF", "CPUID.(0xD,2)" },
        { "18", 1, "0xFFFFFFF0", "CPUID.(0xD,18)" },
        // Item 6: sub-leaf 0 all ones enumerates reserved XCR0 bit 63 (SPEC R8, R9).
        { "0", 3, "0xFFFFFFFF", "XCR0 bit 63" },
    };

    [Theory]
    [MemberData(nameof(SignedRegisters))]
    public void Items5And6_ImplausibleRegisters_AreRefused(string subLeaf, int register, string value, string mention)
    {
        using var dir = new TempDirectory();
        var p = Profile();
        p["leaf0d"]![subLeaf]![register] = value;
        if (subLeaf == "0") p["leaf0d"]!["0"]![0] = "0xFFFFFFFF";
        OneLine.AssertInputError(Layout(dir, p.ToJsonString()), "p.json", mention);
    }

    [Fact]
    public void Item7_DuplicateSubLeafKey_IsRefused()
    {
        using var dir = new TempDirectory();
        var text = Profile().ToJsonString().Replace("\"leaf0d\":{", "\"leaf0d\":{\"2\":[\"0x00000000\",\"0x00000000\",\"0x00000000\",\"0x00000000\"],", StringComparison.Ordinal);
        OneLine.AssertInputError(Layout(dir, text), "p.json", "uplicate");
    }

    [Fact]
    public void Item13_EscapeSequenceInName_IsRefused_AndNeverPrintedRaw()
    {
        using var dir = new TempDirectory();
        var p = Profile();
        p["name"] = "evil\u001b[2J\u001b]0;pwned\u0007";
        p["id"] = "evil\u001b[31mid";
        var run = Layout(dir, p.ToJsonString());
        OneLine.AssertInputError(run, "p.json", "control character");
        Assert.DoesNotContain('\u001b', run.Stderr + run.Stdout);
    }

    /// <summary>Found by fuzz.profile.runner: a (not clean) profile without x87 made 'layout' exit 2 with nothing on
    /// stderr; the refused default XCR0 is now said there too (R8: x87 must be set).</summary>
    [Fact]
    public void FoundByFuzz_InvalidDefaultXcr0_IsSaidOnStderr()
    {
        using var dir = new TempDirectory();
        var p = Profile();
        p["leaf0d"]!["0"]![0] = "0x000602e6";
        p["xcr0_supported"] = "0x602e6";
        var run = Layout(dir, p.ToJsonString());
        OneLine.AssertInputError(run, "p.json", "R8: bit 0 (x87) must be set");
    }
}
