using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Cli.Fuzz;

/// <summary>
/// Command lines from the runner's grammar, made hostile: a verb (or none, or a wrong one), then options with values
/// that are empty, absurd, of the wrong kind, control characters, or paths that are devices, directories or missing.
/// Paths are written with the placeholder "{sandbox}" and resolved per case, so nothing is written outside the case's
/// temp directory; 'check' always gets a small selection and its own regression directory so a case stays fast.
/// </summary>
public static class ArgsGen
{
    public const string Sandbox = "{sandbox}";

    private static readonly string[] Verbs = ["cpus", "layout", "boot", "policies", "check", "replay", "explain", "scenario", "bench", "nope", "", "--help"];

    private static readonly string[] OptionNames =
    [
        "--cpu", "--xcr0", "--xss", "--json", "--cpus", "--regressions", "--impl", "--seed", "--max-tests", "--time", "--property",
        "--shard", "--junit", "--html", "--policy", "--seconds", "--from-regression", "--corpus", "--verbose", "--", "--json=1", "--CPU",
    ];

    private static readonly string[] Values =
    [
        "", " ", "0", "-1", "1", "3", "NaN", "Infinity", "-0", "1e9", "3000000", "0.001", "18446744073709551616", "0x", "0xffffffffffffffff",
        "0x8000000000000000", "2e7", "zz", "1/0", "0/0", "2/1", "1/2", "*", "?", ",,,", "layout.*", "no.such.law", "fuzz.*",
        "oracle", "optimized", "mutant:h13-unaligned-compacted", "mutant:", "process:true", "intel-sapphirerapids-806f8", "no-such-cpu",
        "merged", "all_tasks", "bogus", "\u001b[2J", "a\nb", "\0", new string('9', 400), "/dev/null", "/dev/zero", "/dev/full",
        Sandbox, Sandbox + "/missing/x", Sandbox + "/out.xml", Sandbox + "/out.html", Sandbox + "/regs", Sandbox + "/empty",
    ];

    public static Arbitrary<FuzzArgs> Arbitrary { get; } = Arb.From(
        from verb in Gen.Elements(Verbs)
        from n in Gen.Choose(0, 5)
        from options in Gen.ArrayOf(Option, n)
        select new FuzzArgs(Shape(verb, options.SelectMany(o => o).ToList())),
        x => Shrink(x.Args).Select(a => new FuzzArgs(a)));

    private static readonly Gen<string[]> Option = Gen.Frequency(
        (6, from name in Gen.Elements(OptionNames) from value in Gen.Elements(Values) select new[] { name, value }),
        (2, from name in Gen.Elements(OptionNames) select new[] { name }),
        (1, from value in Gen.Elements(Values) select new[] { value }));

    /// <summary>The verb's own cheap defaults first; the hostile options after them (repeating one is an error too).</summary>
    private static List<string> Shape(string verb, List<string> options)
    {
        var args = verb.Length == 0 ? new List<string>() : [verb];
        if (verb == "check") args.AddRange(["--max-tests", "1", "--property", "layout.sizes.differential", "--regressions", Sandbox + "/regs"]);
        // bench measures for --seconds per operation: a long measurement is what was asked, not a hang.
        if (verb == "bench") { args.AddRange(["--seconds", "0.001"]); options = options.Select(o => o == "--seconds" ? "--json" : o).ToList(); }
        if (verb == "replay") args.AddRange(["--regressions", Sandbox + "/regs"]);
        // 'check' runs itself again, in process: never the fuzz family (it would recurse) nor an unbounded budget.
        if (verb == "check" || verb.Length == 0) options = options.Select(o => o.StartsWith("fuzz", StringComparison.Ordinal) || o == "*" ? "layout.sizes.differential" : o).ToList();
        if (verb.Length == 0 && !args.Contains("--max-tests")) args.AddRange(["--max-tests", "1", "--property", "layout.sizes.differential", "--regressions", Sandbox + "/regs"]);
        // A two-profile CPU directory and a one-file scenario directory keep a case in milliseconds; a hostile --cpus
        // replaces the default rather than repeating the option.
        if (verb is "cpus" or "layout" or "boot" or "policies" or "check" or "replay" or "explain" or "scenario" or "bench" or "" && !options.Contains("--cpus"))
            args.AddRange(["--cpus", Sandbox + "/cpus"]);
        if (verb == "scenario") args.Add(Sandbox + "/scenarios");
        args.AddRange(Contained(options));
        return args;
    }

    private static readonly string[] Outputs = ["--junit", "--html", "--regressions"];

    /// <summary>An output option's relative value would write into the test's working directory: it goes into the
    /// sandbox instead (empty and blank values stay, they are refused before anything is written).</summary>
    private static IEnumerable<string> Contained(List<string> options) =>
        options.Select((o, i) => i > 0 && Outputs.Contains(options[i - 1]) && o.Trim().Length > 0 && !o.StartsWith('/') && !o.StartsWith(Sandbox, StringComparison.Ordinal)
            ? $"{Sandbox}/out-{i}" : o);

    private static IEnumerable<List<string>> Shrink(IReadOnlyList<string> args)
    {
        for (int i = args.Count - 1; i >= 1; i--) yield return args.Where((_, j) => j != i).ToList();
    }

    /// <summary>The case's arguments with the sandbox placeholder resolved.</summary>
    public static List<string> Resolve(IReadOnlyList<string> args, string sandbox) =>
        args.Select(a => a.Replace(Sandbox, sandbox, StringComparison.Ordinal)).ToList();
}
