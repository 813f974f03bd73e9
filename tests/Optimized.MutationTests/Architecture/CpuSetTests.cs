namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>The CPU sets the differential tests iterate are the corpus, deduplicated, not a handful.</summary>
public class CpuSetTests
{
    [Fact]
    public void DistinctXsaveEnumerations_CoverTheCorpusVariety()
    {
        Assert.Equal(Corpus.Profiles.Count, Subjects.AllCpus.Count);
        Assert.True(Subjects.DistinctXsaveCpus.Count >= 20, $"only {Subjects.DistinctXsaveCpus.Count} distinct XSAVE enumerations");
        // Every supported XCR0 and XSS value of the corpus is among the deduplicated CPUs.
        Assert.Equal(Subjects.AllCpus.Select(c => (c.SupportedXcr0, c.SupportedXss)).ToHashSet(),
            Subjects.DistinctXsaveCpus.Where(c => c != WideCpu.Model).Select(c => (c.SupportedXcr0, c.SupportedXss)).ToHashSet());
        Assert.Same(WideCpu.Model, Subjects.DistinctXsaveCpus[^1]);
    }
}
