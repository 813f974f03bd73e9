using System.Text.Json;

namespace Xsave.Cli.Tests.Support;

/// <summary>Helpers for the gate verbs' tests: the mutant names, and a directory's files with content and mtime.</summary>
public static class GateFiles
{
    public const string H13 = "mutant:h13-unaligned-compacted";
    public const string HalfAmx = "mutant:half-amx-xcr0";

    /// <summary>Every file under <paramref name="directory"/> (temp files included): name → (content, mtime).</summary>
    public static IReadOnlyDictionary<string, (string Content, DateTime Modified)> Snapshot(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(directory, f), f => (File.ReadAllText(f), File.GetLastWriteTimeUtc(f)))
            : new Dictionary<string, (string, DateTime)>();

    public static void AssertUnchanged(IReadOnlyDictionary<string, (string Content, DateTime Modified)> before, string directory)
    {
        var after = Snapshot(directory);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, (content, modified)) in before)
        {
            Assert.Equal(content, after[name].Content);
            Assert.Equal(modified, after[name].Modified);
        }
    }

    /// <summary>The property entries of a 'check --json' answer by name.</summary>
    public static Dictionary<string, JsonElement> Properties(JsonElement check) =>
        check.GetProperty("properties").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);

    /// <summary>True when a write into the read-only directory still succeeds (root ignores the mode bits).</summary>
    public static bool ChmodIsIneffective(string readOnlyDirectory)
    {
        var probe = Path.Combine(readOnlyDirectory, ".root-probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
