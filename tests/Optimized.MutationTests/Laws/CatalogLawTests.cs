using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xsave.Properties;

namespace Xsave.Optimized.MutationTests.Laws;

/// <summary>
/// Every law of the property catalogue against the optimized implementation, the oracle as reference, at a small
/// fixed-seed budget (the gate's own laws, so expected values are the oracle's or SPEC part D invariants). The budget
/// keeps this project a few seconds; the full-budget run is tests/Properties.Tests.
/// </summary>
public class CatalogLawTests
{
    private const int Cases = 40;
    private const ulong Seed = 0x5EED_0016;

    private static readonly PropertyContext Context = new(Subjects.Optimized, Subjects.Oracle, Subjects.CleanCpus);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var p in Catalog.All) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Law(string name)
    {
        var law = Catalog.Find(name)!;
        Assert.Null(law.SkipReason(Context.Subject)); // the optimized implementation declares every contract part
        var runner = new FailFastRunner();
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithRunner(runner).WithName(name)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        Check.One(config, law.Build(Context));
        Assert.IsType<TestResult.Passed>(runner.Result);
    }
}
