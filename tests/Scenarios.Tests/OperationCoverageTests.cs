using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Optimized;
using Xsave.Oracle;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.Scenarios.Conversion;
using Xsave.Scenarios.Model;
using Xsave.Scenarios.Parsing;
using Xunit.Abstractions;

namespace Xsave.Scenarios.Tests;

/// <summary>
/// The suite's BUILD_BUG_ON: an operation, guest event, argument kind or xfeature added to the contract without its
/// descriptions fails here, naming what is missing — the descriptor (text, target, effect, arguments), the JSON name,
/// the scenario syntax (read and written), the generator, the shrinker, and both implementations' answers.
/// </summary>
public class OperationCoverageTests(ITestOutputHelper output)
{
    /// <summary>Enough generated sequences that every operation and guest event appears (measured: all appear by ~60).</summary>
    private const int Sequences = 400;

    private static readonly Lazy<IReadOnlyList<KernelScenario>> Generated = new(() =>
    {
        var corpus = ScenarioCorpus.Suite.Cpu("intel-sapphirerapids-806f8")!;
        var zen = ScenarioCorpus.Suite.Cpu("amd-graniteridge-b40f40")!;
        var gen = KernelOpGen.Scenario(CpuGen.Any([corpus, zen]));
        return Gen.Sample(gen, Sequences, new Rnd(20261207UL), 60).ToList();
    });

    private static IEnumerable<KernelOp> Ops => Generated.Value.SelectMany(s => s.Ops);

    [Fact]
    public void EveryKernelOp_HasOneDescriptor_NamedAsItsJsonDiscriminator() =>
        AssertDescribed(typeof(KernelOp), KernelOps.All.Select(d => (d.Type, d.Name)).ToList());

    [Fact]
    public void EveryGuestEvent_HasOneDescriptor_NamedAsItsJsonDiscriminator() =>
        AssertDescribed(typeof(GuestEvent), GuestEvents.All.Select(d => (d.Type, d.Name)).ToList());

    private static void AssertDescribed(Type root, IReadOnlyList<(Type Type, string Name)> described)
    {
        var concrete = root.Assembly.GetTypes().Where(t => t.IsSubclassOf(root) && !t.IsAbstract).ToList();
        var json = root.GetCustomAttributes<JsonDerivedTypeAttribute>().ToDictionary(a => a.DerivedType, a => a.TypeDiscriminator as string);
        var problems = new List<string>();
        foreach (var t in concrete)
        {
            var entries = described.Where(d => d.Type == t).ToList();
            if (entries.Count != 1) problems.Add($"{t.Name}: {entries.Count} descriptors (needs exactly one)");
            if (!json.TryGetValue(t, out var name)) problems.Add($"{t.Name}: no [JsonDerivedType] on {root.Name}");
            else if (entries.Count == 1 && entries[0].Name != name) problems.Add($"{t.Name}: descriptor '{entries[0].Name}' != JSON '{name}'");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryArgKind_IsUsed_AndHasAShrinkingRule()
    {
        var used = KernelOps.All.SelectMany(d => d.Args).Concat(GuestEvents.All.SelectMany(d => d.Args)).Select(a => a.Kind).ToHashSet();
        var unused = Enum.GetValues<ArgKind>().Where(k => !used.Contains(k)).ToList();
        Assert.True(unused.Count == 0, $"argument kinds no operation uses: {string.Join(", ", unused)}");
        foreach (var op in Ops) KernelScenarioShrinker.Weight(op); // throws for a kind without a rule
    }

    [Fact]
    public void TheGenerator_ProducesEveryOperationAndGuestEvent()
    {
        var ops = Ops.Select(o => o.GetType()).ToHashSet();
        var events = Ops.OfType<KvmRunOp>().SelectMany(r => r.Exits).Select(e => e.GetType()).ToHashSet();
        var missing = KernelOps.All.Where(d => !ops.Contains(d.Type)).Select(d => d.Name)
            .Concat(GuestEvents.All.Where(d => !events.Contains(d.Type)).Select(d => "kvm_run/" + d.Name)).ToList();
        output.WriteLine($"{Ops.Count()} operations in {Sequences} sequences: {ops.Count} kinds, {events.Count} guest event kinds");
        Assert.True(missing.Count == 0, $"never generated: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryGeneratedOperation_HasTheAddressItsDescriptorGives()
    {
        // KernelOps.Address reads Pid/Tid/Vcpu properties directly where the type has them; the descriptor's argument
        // values are the reference.
        var wrong = Ops.Where(op => KernelOps.Address(op) != KernelOps.AddressFromValues(op))
            .Select(op => $"{OpText.Describe(op)}: {KernelOps.Address(op)} != {KernelOps.AddressFromValues(op)}").Take(10).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(Ops.Select(o => o.GetType()).Distinct().Count() >= KernelOps.All.Count, "every operation kind was compared");
    }

    [Fact]
    public void EveryGeneratedOperation_RoundTripsThroughTheScenarioFormat()
    {
        var cpu = ScenarioCorpus.Suite.Cpu("intel-sapphirerapids-806f8")!;
        var inputs = new SideInputs(cpu, null, null);
        int checkedOps = 0;
        foreach (var group in Ops.GroupBy(o => o.GetType()))
            foreach (var op in group.Take(25))
            {
                var yaml = $"cpu: intel-sapphirerapids-806f8\nsteps:\n  - {RegressionToScenario.Step(op)}\n";
                var parsed = ScenarioCorpus.Suite.Parser.Parse("roundtrip.yaml", yaml);
                Assert.True(parsed.Scenario is not null, $"{OpText.Describe(op)}: the written step does not parse: {parsed.Error}\n{yaml}");
                var built = ((KernelAction)parsed.Scenario.Steps[0].Action).Build(inputs);
                Assert.Equal(Json(op), Json(built));
                checkedOps++;
            }
        output.WriteLine($"{checkedOps} operations written and read back");
    }

    [Fact]
    public void BothImplementations_AnswerEveryOperation()
    {
        var applied = new Dictionary<string, int>();
        foreach (var s in Generated.Value)
            foreach (var impl in new Contract.Implementations.IXstateImplementation[] { new OracleImplementation(), new OptimizedImplementation() })
                foreach (var step in KernelRun.Execute(impl, s).Steps.Where(x => x.Outcome is not null)) // throws ImplementationFault
                    applied[$"{impl.Name}:{KernelOps.For(step.Op).Name}"] = applied.GetValueOrDefault($"{impl.Name}:{KernelOps.For(step.Op).Name}") + 1;
        var missing = KernelOps.All.SelectMany(d => new[] { $"oracle:{d.Name}", $"optimized:{d.Name}" }).Where(k => !applied.ContainsKey(k)).ToList();
        output.WriteLine(string.Join(", ", applied.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(missing.Count == 0, $"never applied: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryXFeature_IsCatalogued_NamedInScenarios_AndGenerated()
    {
        var problems = new List<string>();
        foreach (var f in XFeatures.All)
        {
            if (ComponentCatalogue.Find((int)f) is null) problems.Add($"{f}: no ComponentCatalogue entry");
            if (!Symbols.TryFeature(f.ToString(), out int bit) || bit != (int)f) problems.Add($"{f}: the scenario format does not name it");
            if ((int)f >= 2)
                try { SyntheticCpu.SizeOf((int)f); }
                catch (ArgumentOutOfRangeException) { problems.Add($"{f}: the CPU generator has no size for it (SyntheticCpu.SizeOf)"); }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string Json(KernelOp op) => JsonSerializer.Serialize(op, KernelScenarioCodec.Options);
}
