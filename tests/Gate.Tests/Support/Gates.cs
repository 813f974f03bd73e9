using Xsave.Cli.Composition;
using Xsave.Gate.Regressions;
using Xsave.Gate.Running;
using Xsave.Properties;
using Xsave.TestSupport;

namespace Xsave.Gate.Tests.Support;

/// <summary>Builds plans and contexts the way the runner does (through its composition root), over the repository's CPU corpus.</summary>
public static class Gates
{
    public const string H13 = "mutant:h13-unaligned-compacted";
    public const string HalfAmx = "mutant:half-amx-xcr0";

    public static CheckSettings Settings(string regressions, string? implementation = null, int? maxTests = 100, ulong seed = 1,
        string? shard = null, params string[] properties) => new()
    {
        Implementation = implementation,
        MaxTests = maxTests,
        Seed = seed,
        Shard = shard,
        Properties = properties,
        RegressionDirectory = regressions,
        CpusDirectory = Corpus.CpusDirectory,
    };

    public static CheckPlan Plan(CheckSettings settings, ImplementationRegistry? registry = null)
    {
        Assert.True(GateComposition.TryCreatePlan(settings, registry ?? ImplementationRegistry.Default, out var plan, out var error), error?.ToString());
        return plan!;
    }

    public static CheckReport Run(CheckSettings settings, IGateProgress? progress = null, CancellationToken cancellation = default,
        TimeProvider? time = null) =>
        new GateEngine(time).Check(Plan(settings), progress, cancellation);

    public static PropertyContext Context(string implementation)
    {
        Assert.True(GateComposition.TryCreateContext(ImplementationRegistry.Default, implementation, Corpus.CpusDirectory, out var context, out var error),
            error?.ToString());
        return context!;
    }

    public static RegressionCase Load(string file)
    {
        Assert.True(RegressionCase.TryLoad(file, out var loaded, out var error), error?.ToString());
        return loaded!;
    }
}
