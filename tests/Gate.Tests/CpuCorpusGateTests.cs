using Xsave.Cli.Composition;
using Xsave.Gate.Tests.Support;
using Xsave.TestSupport;

namespace Xsave.Gate.Tests;

/// <summary>The gate refuses a CPU corpus with a bad file, naming every one: its generated cases would differ.</summary>
public class CpuCorpusGateTests
{
    [Fact]
    public void BadCpuFiles_RefuseTheRun_NamingEachFile()
    {
        using var dir = new Scratch();
        dir.Write("cpus/intel-sapphirerapids-806f8.json", File.ReadAllText(Path.Combine(Corpus.CpusDirectory, "intel-sapphirerapids-806f8.json")));
        var first = dir.Write("cpus/a-broken.json", "[1, 2");
        var second = dir.Write("cpus/b-broken.json", "{}");

        Assert.False(GateComposition.TryCreateContext(ImplementationRegistry.Default, "optimized", dir.Sub("cpus"), out _, out var error));
        var line = error!.ToString();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(first, line);
        Assert.Contains(second, line);
    }
}
