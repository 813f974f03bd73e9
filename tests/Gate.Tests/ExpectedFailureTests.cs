using System.Xml.Linq;
using Xsave.Gate.Expectations;
using Xsave.Gate.Regressions;
using Xsave.Gate.Reports;
using Xsave.Gate.Running;
using Xsave.Gate.Selection;
using Xsave.Gate.Tests.Support;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>
/// Known findings as expected failures (issue 13): a divergence the table explains does not fail the run and says
/// which finding it is; a different failure of the same property, another implementation, a version outside the range
/// or a harness error still fails; a property with a finding that passed is marked "fixed?".
/// </summary>
public class ExpectedFailureTests
{
    private static readonly ExpectedFailure F4 = new()
    {
        Finding = "F4", Title = "XRSTOR loads a reserved MXCSR", Kind = "emulator bug", Implementation = "qemu-user:*",
        MinVersion = "7.2", BelowVersion = "9.0", Property = "p.fault", FailureContains = ["none != oracle #GP", "reserved bits"],
    };

    private static PropertyReport Diverged(string name, string message) =>
        new(name, ["R23"], Verdict.Diverge, 3, TimeSpan.Zero, message, new SaveOutcome(SaveStatus.Written, "/r/x.json"),
            new FailureDetails("input", null, message, 1, 0, 2, null));

    private static CheckReport Run(string implementation, params PropertyReport[] properties) =>
        new(implementation, 1, ShardSpec.Whole, 100, null, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), false, properties);

    private const string F4Message = "fault: implementation none != oracle #GP [R23] MXCSR 0x10000 sets reserved bits 0x10000";

    [Fact]
    public void The_known_divergence_is_an_expected_failure_and_does_not_fail_the_run()
    {
        var report = ExpectedFailures.Apply(Run("qemu-user:max", Diverged("p.fault", F4Message)), [F4], "qemu-x86_64 version 7.2.22 (Debian 1:7.2+dfsg-7)");
        var p = Assert.Single(report.Properties);
        Assert.True(p.IsExpectedFailure);
        Assert.Equal("expected failure (F4: XRSTOR loads a reserved MXCSR)", p.Expectation!.Note);
        Assert.Equal(0, report.Failed);
        Assert.Equal(1, report.ExpectedFailures);
        Assert.Equal(0, report.Passed); // never a pass either
    }

    [Theory]
    [InlineData("qemu-user:max", "7.2.22", "fault: implementation #GP != oracle none")] // another failure of the property
    [InlineData("kernel", "7.2.22", F4Message)]                                        // another implementation
    [InlineData("qemu-user:max", "7.1.0", F4Message)]                                  // below the range
    [InlineData("qemu-user:max", "9.0", F4Message)]                                    // the first fixed version
    [InlineData("qemu-user:max", null, F4Message)]                                     // a version that is not known
    public void Anything_else_still_fails(string implementation, string? version, string message)
    {
        var report = ExpectedFailures.Apply(Run(implementation, Diverged("p.fault", message)), [F4], version);
        Assert.False(Assert.Single(report.Properties).IsExpectedFailure);
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void A_harness_error_is_never_expected()
    {
        var error = Diverged("p.fault", F4Message) with { Verdict = Verdict.HarnessError };
        var report = ExpectedFailures.Apply(Run("qemu-user:max", error), [F4], "7.2");
        Assert.Equal(1, report.Failed);
    }

    [Fact]
    public void A_property_with_a_finding_that_passed_is_marked_fixed_but_passes()
    {
        var passed = new PropertyReport("p.fault", ["R23"], Verdict.Pass, 300, TimeSpan.Zero);
        var report = ExpectedFailures.Apply(Run("qemu-user:max", passed), [F4], "8.0.1");
        var p = Assert.Single(report.Properties);
        Assert.Equal(ExpectationStatus.NotSeen, p.Expectation!.Status);
        Assert.StartsWith("fixed?", p.Expectation.Note);
        Assert.Equal(1, report.Passed);
        Assert.Equal(1, report.PossiblyFixed);
        Assert.Equal(0, report.Failed);
    }

    [Fact]
    public void JUnit_reports_an_expected_failure_as_skipped_naming_the_finding()
    {
        var report = ExpectedFailures.Apply(Run("qemu-user:max", Diverged("p.fault", F4Message), Diverged("p.other", "sizes differ")), [F4], "7.2.22");
        var suite = XDocument.Parse(JUnitReport.Render(report)).Root!.Element("testsuite")!;
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        Assert.Equal("1", suite.Attribute("skipped")!.Value);
        var cases = suite.Elements("testcase").ToList();
        Assert.StartsWith("expected failure (F4", cases[0].Element("skipped")!.Attribute("message")!.Value);
        Assert.Null(cases[0].Element("failure"));
        Assert.NotNull(cases[1].Element("failure"));
    }

    [Fact]
    public void The_table_loads_and_an_entry_that_would_swallow_every_failure_is_refused()
    {
        using var dir = new Scratch();
        var good = dir.Sub("good.json");
        File.WriteAllText(good, """{"expected_failures": [{"finding": "F4", "title": "t", "kind": "emulator bug", "implementation": "qemu-user:*", "property": "p", "failure_contains": ["x"]}]}""");
        Assert.Equal("F4", Assert.Single(ExpectedFailures.Load(good, out _)!).Finding);

        var bad = dir.Sub("bad.json");
        File.WriteAllText(bad, """{"expected_failures": [{"finding": "F4", "title": "t", "kind": "emulator bug", "implementation": "qemu-user:*", "property": "p", "failure_contains": []}]}""");
        Assert.Null(ExpectedFailures.Load(bad, out var error));
        Assert.Contains("failure_contains", error!.Message);
        Assert.Equal(bad, error.File);

        Assert.Empty(ExpectedFailures.Load(dir.Sub("absent.json"), out _)!);
    }

    /// <summary>The committed table parses, and every entry names a finding of docs/findings.md.</summary>
    [Fact]
    public void The_committed_table_is_valid_and_names_documented_findings()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Conformance.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        var table = ExpectedFailures.Load(Path.Combine(root, "docs", "findings", ExpectedFailures.FileName), out var error);
        Assert.True(table is { Count: > 0 }, error?.ToString() ?? "empty table");
        var findings = File.ReadAllText(Path.Combine(root, "docs", "findings.md"));
        foreach (var e in table!)
        {
            Assert.Contains($"## {e.Finding}.", findings);
            if (e.Reproducer is { } file) Assert.True(File.Exists(Path.Combine(root, file)), $"{e.Finding}: {file} is missing");
        }
    }

    [Theory]
    [InlineData("qemu-x86_64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)", "7.2", 1)]
    [InlineData("7.2", "7.2.0", 0)]
    [InlineData("7.10", "7.9", 1)]
    [InlineData("6.2.0", "7.2", -1)]
    public void Versions_compare_by_dotted_number(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(DottedVersion.Compare(a, b)));
}
