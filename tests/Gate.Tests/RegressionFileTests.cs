using System.Text.Json.Nodes;
using Xsave.Gate.Regressions;
using Xsave.Gate.Tests.Support;

namespace Xsave.Gate.Tests;

/// <summary>Canonical input JSON and its hash: one spelling per value, hash pinned with Python's hashlib.</summary>
public class CanonicalJsonTests
{
    [Fact]
    public void Canonical_SortsKeysAndDropsWhitespace_HashIsFirst10HexOfSha256()
    {
        var a = JsonNode.Parse("""{ "b": [2, {"d": null, "c": "x"}], "a": 1 }""");
        var b = JsonNode.Parse("""{"a":1,"b":[2,{"c":"x","d":null}]}""");
        Assert.Equal("""{"a":1,"b":[2,{"c":"x","d":null}]}""", CanonicalJson.Write(a));
        Assert.Equal(CanonicalJson.Write(a), CanonicalJson.Write(b));
        // python3: hashlib.sha256(b'{"a":1,"b":[2,{"c":"x","d":null}]}').hexdigest()[:10]
        Assert.Equal("bc12a68004", CanonicalJson.Hash(a));
    }

    [Fact]
    public void Canonical_KeepsArrayOrder()
    {
        Assert.NotEqual(CanonicalJson.Write(JsonNode.Parse("[1,2]")), CanonicalJson.Write(JsonNode.Parse("[2,1]")));
    }
}

/// <summary>The regression file format: a complete round trip, and every kind of bad file as a one-line error.</summary>
public class RegressionFileTests
{
    internal static RegressionRecord Sample(string property = "layout.sizes.differential", string mask = "0x1200") => new()
    {
        Property = property,
        Input = new JsonObject { ["mask"] = new JsonObject { ["hex"] = mask, ["names"] = "PKRU|CET_S" }, ["cpu"] = new JsonObject { ["origin"] = "corpus:x" } },
        Rules = ["R14", "R15"],
        Implementation = "mutant:h13-unaligned-compacted",
        Reference = "oracle",
        RunSeed = 1,
        PropertySeed = 18446744073709551615UL,
        Round = 2,
        Size = 3,
        Cases = 202,
        Shrinks = 10,
        Replay = new ReplayTriple(5348731341623549631UL, 82711607350915273UL, 3),
        InputText = "corpus:x mask=0x1200 (PKRU|CET_S)",
        OriginalText = "corpus:x mask=0x9210",
        Failure = "labels: sizes differ\nExpected true, got false.",
        Observed = JsonNode.Parse("""{"Standard": 584, "Compacted": 608}"""),
        Expected = JsonNode.Parse("""{"Standard": 584, "Compacted": 664}"""),
        Date = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        Tool = "xsave-conformance 0.1.0",
    };

    [Fact]
    public void Write_ThenRead_GivesTheSameRecord()
    {
        var original = Sample();
        var text = RegressionFile.Write(original);
        Assert.StartsWith("{\n  \"format\": \"xsave-conformance/regression\",\n  \"version\": 1,", text);
        // 64-bit seeds are decimal strings, so JSON readers that use doubles cannot round them.
        Assert.Contains("\"property_seed\": \"18446744073709551615\"", text);

        Assert.True(RegressionFile.TryParse(text, "f.json", out var read, out var error), error?.ToString());
        Assert.Equal(original.Property, read!.Property);
        Assert.Equal(original.CanonicalInput, read.CanonicalInput);
        Assert.Equal(original.Rules, read.Rules);
        Assert.Equal(original.Implementation, read.Implementation);
        Assert.Equal(original.Reference, read.Reference);
        Assert.Equal(original.RunSeed, read.RunSeed);
        Assert.Equal(original.PropertySeed, read.PropertySeed);
        Assert.Equal(original.Round, read.Round);
        Assert.Equal(original.Size, read.Size);
        Assert.Equal(original.Cases, read.Cases);
        Assert.Equal(original.Shrinks, read.Shrinks);
        Assert.Equal(original.Replay, read.Replay);
        Assert.Equal(original.InputText, read.InputText);
        Assert.Equal(original.OriginalText, read.OriginalText);
        Assert.Equal(original.Failure, read.Failure);
        Assert.Equal(CanonicalJson.Write(original.Observed), CanonicalJson.Write(read.Observed));
        Assert.Equal(CanonicalJson.Write(original.Expected), CanonicalJson.Write(read.Expected));
        Assert.Equal(original.Date, read.Date);
        Assert.Equal(original.Tool, read.Tool);
    }

    [Fact]
    public void HandWrittenFile_NeedsOnlyFormatVersionPropertyAndInput()
    {
        var text = """{"format": "xsave-conformance/regression", "version": 1, "property": "p", "input": {"mask": {"hex": "0x3"}}}""";
        Assert.True(RegressionFile.TryParse(text, null, out var read, out var error), error?.ToString());
        Assert.Equal("p", read!.Property);
        Assert.Null(read.Implementation);
        Assert.Null(read.Replay);
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        { "corrupt", "{\"format\": \"xsave-conformance/regression\", \"version\": 1, ]]] }", "not valid JSON at line 1" },
        { "truncated", Truncated(), "truncated" },
        { "empty", "", "empty file" },
        { "newer version", """{"format": "xsave-conformance/regression", "version": 2, "property": "p", "input": {}}""", "format version 2 is newer than this tool reads (version 1)" },
        { "older version", """{"format": "xsave-conformance/regression", "version": 0, "property": "p", "input": {}}""", "format version 0 is not supported" },
        { "version not a number", """{"format": "xsave-conformance/regression", "version": "1", "property": "p", "input": {}}""", "'version' is missing or not an integer" },
        { "other format", """{"format": "something-else", "version": 1, "property": "p", "input": {}}""", "not a regression file" },
        { "not an object", "[1, 2]", "not a JSON object" },
        { "no property", """{"format": "xsave-conformance/regression", "version": 1, "input": {}}""", "field 'property' must be present" },
        { "no input", """{"format": "xsave-conformance/regression", "version": 1, "property": "p"}""", "field 'input' must be present" },
        { "bad size", """{"format": "xsave-conformance/regression", "version": 1, "property": "p", "input": {}, "found": {"size": "big"}}""", "field 'found.size' must be an integer" },
        { "bad seed", """{"format": "xsave-conformance/regression", "version": 1, "property": "p", "input": {}, "found": {"run_seed": "-1"}}""", "field 'found.run_seed' must be an unsigned 64-bit integer" },
        { "bad date", """{"format": "xsave-conformance/regression", "version": 1, "property": "p", "input": {}, "date": "yesterday"}""", "field 'date' 'yesterday' is not an ISO 8601 date" },
    };

    private static string Truncated()
    {
        var full = RegressionFile.Write(Sample());
        return full[..(full.Length / 2)];
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFile_IsOneLineErrorNamingTheFile(string what, string text, string expected)
    {
        using var dir = new Scratch();
        var path = dir.Write($"{what.Replace(' ', '-')}.json", text);
        Assert.False(RegressionFile.TryRead(path, out var record, out var error), what);
        Assert.Null(record);
        var line = error!.ToString();
        Assert.StartsWith(path + ": ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(text, File.ReadAllText(path)); // reading never changes the file
    }

    [Fact]
    public void MissingFile_SaysSo()
    {
        Assert.False(RegressionFile.TryRead("/nonexistent/dir/x.json", out _, out var error));
        Assert.Equal("/nonexistent/dir/x.json: no such file", error!.ToString());
    }

    [Fact]
    public void TruncatedAfterANewline_IsStillReportedAsTruncated()
    {
        var full = RegressionFile.Write(Sample());
        var cut = full[..(full.IndexOf("\"input\"", StringComparison.Ordinal))];
        Assert.False(RegressionFile.TryParse(cut, "f.json", out _, out var error));
        Assert.Contains("truncated", error!.Message);
    }
}
