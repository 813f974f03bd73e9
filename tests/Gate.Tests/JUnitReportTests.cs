using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Xsave.Gate.Regressions;
using Xsave.Gate.Reports;
using Xsave.Gate.Running;
using Xsave.Gate.Selection;
using Xsave.Gate.Tests.Support;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>JUnit XML: valid against the JUnit conventions (JUnit.xsd here), counts matching the run.</summary>
public class JUnitReportTests
{
    private static CheckReport Report() => new("mutant:x", 1, ShardSpec.Whole, 100, null,
        new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero), TimeSpan.FromSeconds(1.5), false,
        [
            new PropertyReport("a.passes", ["R1"], Verdict.Pass, 100, TimeSpan.FromMilliseconds(250)),
            new PropertyReport("b.fails", ["R2", "I1"], Verdict.Diverge, 5, TimeSpan.FromMilliseconds(30), "sizes differ <608 & 664>",
                new SaveOutcome(SaveStatus.Written, "/corpus/regressions/b.fails-0123456789.json"),
                new FailureDetails("corpus:x mask=0x3", "corpus:y mask=0xff", "labels: sizes differ", 42, 0, 3, new ReplayTriple(1, 3, 5))),
            new PropertyReport("c.skipped", ["R3"], Verdict.NotApplicable, 0, TimeSpan.Zero, "does not implement Kvm"),
        ]);

    private static XDocument Validated(string xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "JUnit.xsd"));
        var doc = XDocument.Parse(xml);
        var problems = new List<string>();
        doc.Validate(schemas, (_, e) => problems.Add(e.Message));
        Assert.Empty(problems);
        return doc;
    }

    [Fact]
    public void JUnit_ValidatesAgainstTheSchema_AndCountsMatch()
    {
        using var dir = new Scratch();
        var path = dir.Sub("results.xml");
        Assert.True(JUnitReport.TrySave(Report(), path, out var error), error?.ToString());
        var doc = Validated(File.ReadAllText(path));

        var suites = doc.Root!;
        Assert.Equal("testsuites", suites.Name.LocalName);
        var suite = Assert.Single(suites.Elements("testsuite"));
        foreach (var e in new[] { suites, suite })
        {
            Assert.Equal("3", e.Attribute("tests")!.Value);
            Assert.Equal("1", e.Attribute("failures")!.Value);
            Assert.Equal("1", e.Attribute("skipped")!.Value);
            Assert.Equal("0", e.Attribute("errors")!.Value);
            Assert.Equal("1.500", e.Attribute("time")!.Value);
        }
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["a.passes", "b.fails", "c.skipped"], cases.Select(c => c.Attribute("name")!.Value));
        Assert.All(cases, c => Assert.Equal("xsave-conformance.mutant:x", c.Attribute("classname")!.Value));
        Assert.Equal("0.250", cases[0].Attribute("time")!.Value);
        Assert.Empty(cases[0].Elements());
        var failure = Assert.Single(cases[1].Elements("failure"));
        Assert.Equal("sizes differ <608 & 664>", failure.Attribute("message")!.Value);
        Assert.Contains("regression file: /corpus/regressions/b.fails-0123456789.json", failure.Value);
        Assert.Contains("input: corpus:x mask=0x3", failure.Value);
        Assert.Equal("does not implement Kvm", Assert.Single(cases[2].Elements("skipped")).Attribute("message")!.Value);
        Assert.Equal("1", suite.Element("properties")!.Elements("property").Single(p => p.Attribute("name")!.Value == "seed").Attribute("value")!.Value);
        Assert.Equal(["results.xml"], dir.AllFiles());
    }

    [Fact]
    public void JUnit_FromARealMutantRun_Validates()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Sub("regressions"), Gates.H13, properties: "layout.*"));
        var doc = Validated(JUnitReport.Build(report).ToString());
        var suite = doc.Root!.Element("testsuite")!;
        Assert.Equal(report.Properties.Count.ToString(), suite.Attribute("tests")!.Value);
        Assert.Equal(report.Failed.ToString(), suite.Attribute("failures")!.Value);
        Assert.Equal(report.Failed, suite.Elements("testcase").Count(c => c.Element("failure") is not null));
    }

    [Fact]
    public void JUnit_ToAMissingDirectory_IsAnError()
    {
        using var dir = new Scratch();
        var path = dir.Sub("no/such/results.xml");
        Assert.False(JUnitReport.TrySave(Report(), path, out var error));
        Assert.Equal($"{path}: --junit: the directory does not exist", error!.ToString());
    }

    [Fact]
    public void Schema_RejectsAJUnitFileWithoutCounts()
    {
        // The schema is not vacuous: a testsuite without its counts does not validate.
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "JUnit.xsd"));
        var doc = XDocument.Parse("<testsuites><testsuite name='x'><testcase name='a' classname='b' time='0'/></testsuite></testsuites>");
        Assert.Throws<XmlSchemaValidationException>(() => doc.Validate(schemas, null));
    }
}
