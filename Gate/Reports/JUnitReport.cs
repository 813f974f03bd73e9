using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Reports;

/// <summary>
/// A check run as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub Actions reporters, Azure DevOps) show
/// as test results: testsuites &gt; testsuite(name, tests, failures, errors, skipped, time, timestamp) &gt; properties
/// (implementation, seed, shard, budget) and one testcase(name, classname, time) per property, with a failure or
/// skipped child when it did not pass. Times are seconds with a '.' decimal point.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(CheckReport report)
    {
        string time = Seconds(report.Elapsed);
        var counts = new object[]
        {
            new XAttribute("tests", report.Properties.Count),
            new XAttribute("failures", report.Failed),
            new XAttribute("errors", 0),
            // An expected failure (a known finding) is reported as skipped with "expected failure (F4: ...)": JUnit has
            // no xfail, and it must neither fail the build nor count as a pass.
            new XAttribute("skipped", report.Skipped + report.ExpectedFailures),
            new XAttribute("time", time),
        };
        var suite = new XElement("testsuite",
            new XAttribute("name", $"{ToolInfo.Name}.check.{report.Implementation}"),
            counts,
            new XAttribute("timestamp", report.Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            new XElement("properties",
                Property("implementation", report.Implementation),
                Property("reference", "oracle"),
                Property("seed", report.Seed.ToString(CultureInfo.InvariantCulture)),
                Property("shard", report.Shard.ToString()),
                Property("max-tests", report.MaxTests?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"),
                Property("time-budget", report.TimeBudget is { } b ? Seconds(b) : "none"),
                Property("cancelled", report.Cancelled ? "true" : "false"),
                Property("expected-failures", report.ExpectedFailures.ToString(CultureInfo.InvariantCulture)),
                Property("tool", ToolInfo.NameAndVersion)),
            report.Properties.Select(p => TestCase(report, p)));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", ToolInfo.Name), counts, suite));
    }

    /// <summary>The report as the text of a JUnit XML file.</summary>
    public static string Render(CheckReport report)
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(new StringWriterUtf8(text), new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
            Build(report).Save(writer);
        return text + "\n";
    }

    /// <summary>Writes the report atomically (temp file + rename); an unwritable path is an error, not an exception.</summary>
    public static bool TrySave(CheckReport report, string path, out GateError? error)
    {
        error = null;
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            error = new GateError("--junit: the directory does not exist", full);
            return false;
        }
        var written = AtomicFile.Replace(full, Render(report));
        if (written.Status == CreateStatus.Created) return true;
        error = new GateError($"--junit: cannot write the report: {written.Error ?? written.Status.ToString()}", full);
        return false;
    }

    private static XElement TestCase(CheckReport report, PropertyReport p)
    {
        var testCase = new XElement("testcase",
            new XAttribute("name", p.Name),
            new XAttribute("classname", $"{ToolInfo.Name}.{report.Implementation}"),
            new XAttribute("time", Seconds(p.Elapsed)));
        // The branch counts of a law (issue 16): how much of what it exists for the run reached. JUnit has no
        // per-testcase properties, so they go to the testcase's output, one line.
        if (p.Branches is { Count: > 0 } branches)
            testCase.Add(new XElement("system-out", "branches: " + string.Join(", ",
                branches.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => $"{b.Key}={b.Value.ToString(CultureInfo.InvariantCulture)}"))));
        switch (p.Verdict)
        {
            case Verdict.Diverge when p.IsExpectedFailure:
                testCase.Add(new XElement("skipped", new XAttribute("message", p.Expectation!.Note), FailureText(p)));
                break;
            case Verdict.Diverge or Verdict.HarnessError:
                testCase.Add(new XElement("failure",
                    new XAttribute("message", p.Reason ?? "the property does not hold"),
                    new XAttribute("type", "ConformanceFailure"),
                    FailureText(p)));
                break;
            case Verdict.NotApplicable:
                testCase.Add(new XElement("skipped", new XAttribute("message", p.Reason ?? "skipped")));
                break;
        }
        return testCase;
    }

    private static string FailureText(PropertyReport p)
    {
        var lines = new List<string> { $"rules: {string.Join(", ", p.Rules)}" };
        if (p.Failure is { } f)
        {
            lines.Add($"input: {f.InputText}");
            if (f.OriginalText is not null) lines.Add($"original: {f.OriginalText}");
            if (f.Message is not null) lines.Add($"failure: {f.Message}");
            lines.Add($"property seed {f.PropertySeed}, round {f.Round}, {f.Shrinks} shrinks" +
                      (f.Replay is { } r ? $", FsCheck replay (seed,gamma,size) = ({r.Seed},{r.Gamma},{r.Size})" : ""));
        }
        if (p.Regression is { } saved)
            lines.Add($"regression file: {saved.Path} ({saved.Status}{(saved.Message is null ? "" : ": " + saved.Message)})");
        return string.Join("\n", lines);
    }

    private static XElement Property(string name, string value) =>
        new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A StringWriter that declares UTF-8, so the XML declaration says encoding="utf-8".</summary>
    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
