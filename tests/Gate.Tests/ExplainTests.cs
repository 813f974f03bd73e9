using System.Text.Json.Nodes;
using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Tests;

/// <summary>Explain: both answers field by field, the differing ones marked; recomputing asks the implementation again.</summary>
public class ExplainTests
{
    [Fact]
    public void FieldDiff_LinesUpLeaves_MarksTheDifferingOnes()
    {
        var expected = JsonNode.Parse("""{"Size": 704, "Placements": [{"Index": 9, "Offset": 576}, {"Index": 17, "Offset": 640}]}""");
        var observed = JsonNode.Parse("""{"Size": 648, "Placements": [{"Index": 9, "Offset": 576}, {"Index": 17, "Offset": 584}], "Extra": true}""");
        var rows = JsonFieldDiff.Compare(expected, observed);
        Assert.Equal(["Size", "Placements[0].Index", "Placements[0].Offset", "Placements[1].Index", "Placements[1].Offset", "Extra"],
            rows.Select(r => r.Path));
        Assert.Equal(["Size", "Placements[1].Offset", "Extra"], rows.Where(r => r.Differs).Select(r => r.Path));
        Assert.Equal(new FieldRow("Size", "704", "648"), rows[0]);
        Assert.Null(rows[^1].Expected);
    }

    [Fact]
    public void Explain_RecordedMutantCase_ShowsBothSides_AndRecomputingWithOptimizedAgrees()
    {
        using var dir = new Scratch();
        var report = Gates.Run(Gates.Settings(dir.Path, Gates.H13, properties: "layout.sizes.differential"));
        var loaded = Gates.Load(Assert.Single(report.Properties).Regression!.File!);

        var recorded = Explainer.Explain(loaded);
        Assert.Equal(Gates.H13, recorded.ObservedBy);
        Assert.False(recorded.Recomputed);
        Assert.Empty(recorded.Events); // a single-case law has no event sequence
        // H13 only breaks the compacted size: the standard size agrees, the compacted one differs.
        var compacted = Assert.Single(recorded.Differing);
        Assert.Equal("Compacted", compacted.Path);
        Assert.Contains(recorded.Fields, f => f.Path == "Standard" && !f.Differs);

        var now = Explainer.Explain(loaded, Gates.Context("optimized"));
        Assert.True(now.Recomputed);
        Assert.Equal("optimized", now.ObservedBy);
        Assert.Equal(Verdict.Pass, now.Verdict);
        Assert.Empty(now.Differing);
    }

    [Fact]
    public void Explain_ListsAnEventSequence_WhenTheInputHasOne()
    {
        using var dir = new Scratch();
        var file = dir.Write("seq.json", """
            {"format": "xsave-conformance/regression", "version": 1, "property": "p",
             "input": {"events": ["arch_prctl(REQ_XCOMP_PERM, 18)", {"op": "fork"}, {"op": "exec", "text": "p1 execve()"}]}}
            """);
        Assert.True(RegressionFile.TryRead(file, out var record, out _));
        var property = Xsave.Properties.Catalog.All[0];
        var explanation = Explainer.Explain(new RegressionCase(file, record!, property, new object()));
        Assert.Equal(["arch_prctl(REQ_XCOMP_PERM, 18)", """{"op":"fork"}""", "p1 execve()"], explanation.Events);
    }
}
