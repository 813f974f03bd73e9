using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Properties;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// The fuzz family: every input layer of the runner (CPU profile loader, scenario parser and runner, regression-file
/// reader, command-line options) fed malformed, truncated, mutated and extreme inputs. Each case runs the runner in
/// process and checks the <see cref="Sandbox"/> law; an accepted profile must also give layouts that satisfy I1 on the
/// implementation under test. They live in the runner, not in Properties, because they run the runner itself.
/// </summary>
public static class FuzzLaws
{
    /// <summary>The input law is the issue's, not a SPEC rule; only the layout law checks one (I1).</summary>
    private static readonly string[] Rules = ["hostile-input"];

    public static IReadOnlyList<ConformanceProperty> All { get; } =
    [
        TextLaw("fuzz.profile.runner", "layout --cpu FILE on a mutated CPU profile: bounded time, exit 0-2, a refusal names the file.",
            FuzzSeeds.Profiles, (box, path) => ["layout", "--cpu", path, "--json"]),
        new Law<FuzzText>("fuzz.profile.layouts", LawKind.Invariant, ["I1", "R14", "R15"], ContractPart.Layout,
            "A mutated CPU profile that the loader accepts gives the implementation's layouts equal to the oracle's (I1), with the standard size the furthest end and no compacted overlap.",
            _ => Mutator.Of(FuzzSeeds.Profiles), FuzzCodecs.Instance, (ctx, x) => AcceptedLayouts(ctx, x)),
        TextLaw("fuzz.scenario.runner", "scenario FILE on a mutated scenario: bounded time, exit 0-2, a refusal names file:line.",
            FuzzSeeds.Scenarios, (box, path) => ["scenario", path]),
        TextLaw("fuzz.regression.replay", "replay FILE on a mutated regression file: bounded time, exit 0-2, a refusal names the file.",
            FuzzSeeds.Regressions, (box, path) => ["replay", path]),
        TextLaw("fuzz.regression.explain", "explain FILE on a mutated regression file: bounded time, exit 0-2, a refusal names the file.",
            FuzzSeeds.Regressions, (box, path) => ["explain", path]),
        new Law<FuzzArgs>("fuzz.cli.options", LawKind.Invariant, Rules, ContractPart.None,
            "A hostile command line (empty, absurd, wrong-kind values; devices, directories, missing paths): bounded time, exit 0-2, one-line errors naming an argument, no write outside the named outputs.",
            _ => ArgsGen.Arbitrary, FuzzCodecs.Instance, (_, x) => Options(x)),
    ];

    private static ConformanceProperty TextLaw(string name, string description, IReadOnlyList<(string, string)> seeds,
        Func<Sandbox, string, string[]> command) =>
        new Law<FuzzText>(name, LawKind.Invariant, Rules, ContractPart.None, description,
            _ => Mutator.Of(seeds), FuzzCodecs.Instance, (_, x) =>
            {
                using var box = new Sandbox();
                var path = box.File(Path.GetFileName(x.Origin) is { Length: > 0 } n && !n.Contains(' ') ? n : "input.txt", x.Text);
                return box.Run(command(box, path), [path], []);
            });

    private const string Spr = "intel-sapphirerapids-806f8";

    private static Property Options(FuzzArgs x)
    {
        using var box = new Sandbox();
        Directory.CreateDirectory(Path.Combine(box.Path, "empty"));
        foreach (var (folder, seeds, count) in new[] { ("cpus", FuzzSeeds.Profiles, 2), ("scenarios", FuzzSeeds.Scenarios, 1) })
        {
            Directory.CreateDirectory(Path.Combine(box.Path, folder));
            // The CPU most scenarios name first, so the scenario and the CPU directory go together.
            foreach (var (origin, text) in seeds.OrderBy(x => x.Origin.Contains(Spr) || x.Text.Contains(Spr) ? 0 : 1).Take(count))
                box.File(Path.Combine(folder, origin), text);
        }
        var args = ArgsGen.Resolve(x.Args, box.Path);
        // A refusal names an argument as given, or quoted with its control characters escaped.
        // A missing required option or argument is named by the option ("Option '--cpu' is required"), an argument
        // with control characters by its position.
        var names = args.Where(a => a.Trim().Length >= 2).Concat(args.Select(a => $"'{FuzzText.Printable(a)}'"))
            .Append("'--").Append("argument missing").Concat(args.Select((_, i) => $"argument {i + 1}")).Concat(args.Select(FullPath))
            .Concat(args.SelectMany(a => a.Split('=', ':')).SelectMany(piece => new[] { $"'{piece}'", FullPath(piece) }))
            .Select(FuzzText.Printable).ToList(); // stderr escapes control characters (OneLineWriter)
        return box.Run(args, names, args.Where(a => a.StartsWith(box.Path, StringComparison.Ordinal)).ToList());
    }

    /// <summary>A path argument is named in full in messages; "" when the argument is no path.</summary>
    private static string FullPath(string arg)
    {
        try
        {
            return arg.Trim().Length == 0 ? "\0" : Path.GetFullPath(arg);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "\0";
        }
    }

    private static Property AcceptedLayouts(PropertyContext ctx, FuzzText x)
    {
        var loaded = CpuProfileLoader.Parse(x.Text, "fuzz.json");
        if (!loaded.Ok || loaded.Profiles.Count == 0) return true.Label("refused").Classify(true, "refused");
        var property = true.Label("accepted").Classify(true, "accepted");
        foreach (var cpu in loaded.Profiles.Select(p => p.ToCpuModel()))
            foreach (var mask in new[] { cpu.SupportedXcr0, cpu.SupportedAll, cpu.SupportedXcr0 & ArchMasks.FpSse })
                property = property.And(SameLayouts(ctx, cpu, mask));
        return property;
    }

    private static Property SameLayouts(PropertyContext ctx, CpuModel cpu, FeatureMask mask)
    {
        string where = $"{cpu.Id} mask {mask.ToHex()}";
        try
        {
            var subject = ctx.Subject.Architecture(cpu);
            var oracle = ctx.Reference.Architecture(cpu);
            var standard = subject.StandardLayout(mask);
            var compacted = subject.CompactedLayout(mask);
            int maxEnd = Math.Max(XFeatures.ExtendedRegionStart, standard.Placements.Select(p => p.End).DefaultIfEmpty(0).Max());
            var extended = compacted.Placements.Where(p => p.Index >= 2).ToList();
            bool disjoint = extended.Zip(extended.Skip(1)).All(pair => pair.First.End <= pair.Second.Offset) &&
                            extended.All(p => p.Offset >= XFeatures.ExtendedRegionStart && p.Size >= 0);
            return standard.Equals(oracle.StandardLayout(mask)).Label($"{where}: standard layout differs from the oracle's")
                .And(compacted.Equals(oracle.CompactedLayout(mask)).Label($"{where}: compacted layout differs from the oracle's"))
                .And((standard.Size == maxEnd).Label($"{where}: standard size {standard.Size} != furthest end {maxEnd}"))
                .And(disjoint.Label($"{where}: compacted components overlap or start before 576"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false.Label($"{where}: accepted profile crashes a side: {e.GetType().Name}: {e.Message}");
        }
    }
}
