using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xsave.Contract.Implementations;
using Xsave.Properties;

namespace Xsave.Optimized.MutationTests.Laws;

/// <summary>
/// The laws of the property catalogue against the optimized implementation, the oracle as reference, at a small
/// fixed-seed budget (the gate's own laws, so expected values are the oracle's or SPEC part D invariants). The budget
/// keeps this project a few seconds; the full-budget run is tests/Properties.Tests. Split in two classes so a Stryker
/// run over the architecture part can leave the kernel laws out (--test-case-filter, BENCHMARKS.md).
/// </summary>
internal static class CatalogLaws
{
    private const int Cases = 40;
    private const ulong Seed = 0x5EED_0016;

    // A fresh optimized implementation per law (Subjects.Optimized): no law leans on caches another law filled.
    private static PropertyContext Context() => new(Subjects.Optimized, Subjects.Oracle, Subjects.CleanCpus);

    public static bool IsKernelLaw(ConformanceProperty p) => (p.Needs & ContractPart.Linux) != 0;

    public static TheoryData<string> Names(bool kernel)
    {
        var data = new TheoryData<string>();
        foreach (var p in Catalog.All.Where(p => IsKernelLaw(p) == kernel)) data.Add(p.Name);
        return data;
    }

    /// <summary>The KVM laws, each with two more seeds: their sequences reach the ioctl paths sparsely, and a law costs
    /// milliseconds next to the test host's start per mutant.</summary>
    public static TheoryData<string, ulong> KvmNamesMoreSeeds()
    {
        var data = new TheoryData<string, ulong>();
        foreach (var p in Catalog.All.Where(p => (p.Needs & ContractPart.Kvm) != 0))
            foreach (ulong seed in new ulong[] { 0x5EED_1016, 0x5EED_2016 })
                data.Add(p.Name, seed);
        return data;
    }

    public static void Check(string name, ulong seed = Seed)
    {
        var law = Catalog.Find(name)!;
        var context = Context();
        Assert.Null(law.SkipReason(context.Subject)); // the optimized implementation declares every contract part
        var runner = new FailFastRunner();
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithRunner(runner).WithName(name)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, law.Build(context));
        Assert.IsType<TestResult.Passed>(runner.Result);
    }
}

/// <summary>The layout, register and instruction laws.</summary>
public class ArchitectureLawTests
{
    public static TheoryData<string> Names() => CatalogLaws.Names(kernel: false);

    [Theory]
    [MemberData(nameof(Names))]
    public void Law(string name) => CatalogLaws.Check(name);
}

/// <summary>The kernel laws (boot, process, signals, UABI, KVM).</summary>
public class KernelLawTests
{
    public static TheoryData<string> Names() => CatalogLaws.Names(kernel: true);

    [Theory]
    [MemberData(nameof(Names))]
    public void Law(string name) => CatalogLaws.Check(name);
}

/// <summary>The KVM laws at two more seeds (the name keeps them under the architecture runs' KernelLawTests filter).</summary>
public class KvmMoreSeedsKernelLawTests
{
    public static TheoryData<string, ulong> Cases() => CatalogLaws.KvmNamesMoreSeeds();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Law(string name, ulong seed) => CatalogLaws.Check(name, seed);
}
