using Xsave.Gate.Selection;
using Xsave.Properties;

namespace Xsave.Gate.Tests;

/// <summary>--shard K/N: parsing, and shards that partition the selection (disjoint, covering everything).</summary>
public class ShardSpecTests
{
    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/4", 2, 4)]
    [InlineData("4/4", 4, 4)]
    public void Shard_Valid_Parses(string text, int k, int n)
    {
        Assert.True(ShardSpec.TryParse(text, out var shard, out var error), error?.ToString());
        Assert.Equal(new ShardSpec(k, n), shard);
    }

    [Theory]
    [InlineData("0/2", "K must be from 1 to N")]
    [InlineData("3/2", "K must be from 1 to N")]
    [InlineData("x", "is not K/N")]
    [InlineData("1/0", "N must be at least 1")]
    [InlineData("1/2/3", "is not K/N")]
    [InlineData("-1/2", "is not K/N")]
    [InlineData("", "is not K/N")]
    public void Shard_Invalid_IsOneLineErrorNamingTheSpec(string text, string problem)
    {
        Assert.False(ShardSpec.TryParse(text, out _, out var error));
        var line = error!.ToString();
        Assert.Contains($"'{text}'", line);
        Assert.Contains(problem, line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void Shard_NotGiven_IsTheWholeSelection()
    {
        Assert.True(ShardSpec.TryParse(null, out var shard, out _));
        Assert.Equal(ShardSpec.Whole, shard);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(50)]
    public void Shards_PartitionTheCatalogue_DisjointAndCovering(int n)
    {
        var all = Catalog.All.Select(p => p.Name).ToList();
        var shards = Enumerable.Range(1, n).Select(k => new ShardSpec(k, n).Take(all)).ToList();
        var union = shards.SelectMany(s => s).ToList();
        Assert.Equal(all.Count, union.Count);                  // no property twice
        Assert.Equal(all.Order(), union.Order());              // every property once
        Assert.All(shards, s => Assert.InRange(s.Count, all.Count / n, all.Count / n + 1)); // round robin: balanced
    }
}

/// <summary>Per-property seeds: SHA-256("runSeed/property/round"), pinned to values computed with Python's hashlib.</summary>
public class SeedDerivationTests
{
    [Theory]
    [InlineData(1UL, "layout.sizes.differential", 0, 5155533149554106053UL)]
    [InlineData(1UL, "layout.sizes.differential", 1, 15310861461284911645UL)]
    [InlineData(42UL, "registers.xcr0.differential", 0, 5995227731863075908UL)]
    public void Seed_IsFirst8BytesLittleEndianOfSha256(ulong run, string property, int round, ulong expected) =>
        Assert.Equal(expected, SeedDerivation.For(run, property, round));
}

/// <summary>--property GLOB selection.</summary>
public class PropertyFilterTests
{
    [Fact]
    public void NoGlob_SelectsEverything_InCatalogueOrder()
    {
        Assert.True(PropertyFilter.TrySelect(Catalog.All, [], out var selected, out _));
        Assert.Equal(Catalog.All, selected);
    }

    [Fact]
    public void Globs_StarAndQuestionMark_CommaSeparatedOrRepeated()
    {
        Assert.True(PropertyFilter.TrySelect(Catalog.All, ["layout.s*", "registers.xc?0.differential,registers.xss.differential"], out var selected, out _));
        var names = selected.Select(p => p.Name).ToList();
        Assert.Contains("layout.sizes.differential", names);
        Assert.Contains("layout.standard.differential", names);
        Assert.Contains("registers.xcr0.differential", names);
        Assert.Contains("registers.xss.differential", names);
        Assert.DoesNotContain("layout.compacted.differential", names);
        Assert.DoesNotContain("registers.xfd.differential", names);
        // Catalogue order is kept whatever the order of the globs.
        Assert.Equal(Catalog.All.Where(p => names.Contains(p.Name)).Select(p => p.Name), names);
    }

    [Fact]
    public void UnknownProperty_IsAnErrorNamingIt()
    {
        Assert.False(PropertyFilter.TrySelect(Catalog.All, ["layout.sizes.differential", "no.such.law"], out _, out var error));
        Assert.Contains("unknown property 'no.such.law'", error!.ToString());
    }
}
