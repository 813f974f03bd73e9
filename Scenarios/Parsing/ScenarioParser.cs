using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Linux;
using Xsave.Contract.Serialization;
using Xsave.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Xsave.Scenarios.Parsing;

/// <summary>A scenario, or the one error that stopped it from being read.</summary>
public sealed record ScenarioParseResult(Scenario? Scenario, ScenarioError? Error);

/// <summary>
/// Reads a scenario file (YAML). Every problem is reported as a <see cref="ScenarioError"/> naming file, line and column:
/// a YAML syntax error, an unknown operation or argument, a value of the wrong kind, an expectation on a field the
/// operation does not produce. The CPU is a corpus id (looked up with <paramref name="corpusCpu"/>) or an inline profile.
/// </summary>
public sealed partial class ScenarioParser(Func<string, CpuModel?> corpusCpu)
{
    private static readonly string[] TopLevelKeys = ["cpu", "config", "steps"];

    public ScenarioParseResult ParseFile(string path)
    {
        if (!BoundedText.TryRead(path, out var text, out var error, MaxBytes))
            return new(null, new ScenarioError(path, 0, 0, error!));
        return Parse(path, text);
    }

    /// <summary>1 MiB: the largest shipped scenario is under 4 KB.</summary>
    public const int MaxBytes = 1 << 20;

    public ScenarioParseResult Parse(string file, string text)
    {
        try
        {
            YamlLimits.Check(text);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
                throw new ParseFailure(null, "a scenario is one YAML mapping with cpu, config and steps");
            return new(Read(file, text, root), null);
        }
        catch (ParseFailure f)
        {
            return new(null, new ScenarioError(file, f.Line, f.Column, f.Message));
        }
        catch (YamlException y)
        {
            // An unquoted value with ': ' is the usual cause; say so in words rather than the scanner's.
            string message = YamlHints.For(text, (int)y.Start.Line) ?? Inner(y);
            return new(null, new ScenarioError(file, (int)y.Start.Line, (int)y.Start.Column, "YAML syntax error: " + message));
        }
        catch (InvalidOperationException)
        {
            // Some malformed inputs make YamlDotNet's scanner throw without a position: report where parsing stopped.
            var (line, column) = LastGoodPosition(text);
            // Its message ("Operation is not valid due to the current state of the object") says nothing to a user.
            return new(null, new ScenarioError(file, line, column,
                "YAML syntax error: the document is not well-formed here (an unclosed bracket, quote or block?)"));
        }
    }

    private static (int Line, int Column) LastGoodPosition(string text)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
                if (parser.Current is { } ev) last = ev.End;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            if (e is YamlException y) return ((int)y.Start.Line, (int)y.Start.Column);
        }
        return ((int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column));
    }

    private static string Inner(YamlException y) => (y.InnerException?.Message ?? y.Message).Split('\n')[0];

    private Scenario Read(string file, string text, YamlMappingNode root)
    {
        foreach (var (k, _) in root.Children)
            if (k is not YamlScalarNode { Value: { } key } || !TopLevelKeys.Contains(key))
                throw new ParseFailure(k, $"unknown top-level key '{(k as YamlScalarNode)?.Value}' (known: {string.Join(", ", TopLevelKeys)})");

        var (cpuName, cpu) = Cpu(Child(root, "cpu") ?? throw new ParseFailure(root, "missing 'cpu' (a corpus id like intel-sapphirerapids-806f8, or an inline profile)"));
        var config = Config(Child(root, "config"));
        if (Child(root, "steps") is not YamlSequenceNode steps) throw new ParseFailure(Child(root, "steps") ?? root, "'steps' must be a list of steps");

        var list = new List<ScenarioStep>();
        foreach (var item in steps) list.Add(Step(list.Count, item, cpu));
        return new Scenario(file, SourceOf(text), cpuName, cpu, config, list);
    }

    /// <summary>The header comment "# source: ..." (continued on following comment lines until a blank comment).</summary>
    public static string? SourceOf(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim()).ToList();
        int start = lines.FindIndex(l => l.StartsWith("source:", StringComparison.OrdinalIgnoreCase));
        if (start < 0) return null;
        var parts = new List<string> { lines[start]["source:".Length..].Trim() };
        parts.AddRange(lines.Skip(start + 1).TakeWhile(l => l.Length > 0 && !Regex.IsMatch(l, @"^[a-z_]+:\s")));
        return string.Join(" ", parts).Trim();
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private (string Name, CpuModel Cpu) Cpu(YamlNode node)
    {
        if (node is YamlScalarNode s)
        {
            var id = s.Value ?? "";
            return (id, corpusCpu(id) ?? throw new ParseFailure(node, $"cpu: no corpus profile '{id}' (see corpus/cpus/)"));
        }
        if (node is not YamlMappingNode m) throw new ParseFailure(node, "cpu: expected a corpus id or an inline profile");
        var json = ToJson(m)!.ToJsonString();
        if (Child(m, "model") is YamlMappingNode)
        {
            // The form regression files carry: {origin, model: CpuModelJson}.
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (!CpuModelJson.TryRead(doc.RootElement.GetProperty("model"), out var model, out var error))
                throw new ParseFailure(node, $"cpu.model: {error}");
            return (Child(m, "origin") is YamlScalarNode o ? o.Value ?? model!.Id : model!.Id, model!);
        }
        var loaded = CpuProfileLoader.Parse(json, "inline profile");
        if (!loaded.Ok || loaded.Profiles.Count != 1)
            throw new ParseFailure(node, "cpu: inline profile rejected: " + string.Join("; ", loaded.Errors.Select(e => e.ToString())));
        return (loaded.Profiles[0].Id, loaded.Profiles[0].ToCpuModel());
    }

    /// <summary>YAML to JSON for the profile readers: plain scalars that are integers or booleans become JSON numbers/booleans.</summary>
    private static JsonNode? ToJson(YamlNode n) => n switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode q => new JsonArray(q.Children.Select(ToJson).ToArray()),
        YamlScalarNode s when s.Style == ScalarStyle.Plain && s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
        YamlScalarNode s when s.Style == ScalarStyle.Plain && long.TryParse(s.Value, out var l) => JsonValue.Create(l),
        YamlScalarNode s when s.Style == ScalarStyle.Plain && s.Value is null or "~" or "null" => null,
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    private static KernelConfig Config(YamlNode? node)
    {
        var c = KernelConfig.Default;
        if (node is null) return c;
        var a = new Args("config", node, node);
        if (a.Node("policy") is { } p)
        {
            var text = a.Scalar(p, "policy").Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse<CetSupervisorPolicy>(text, ignoreCase: true, out var policy) || !Enum.IsDefined(policy))
                throw new ParseFailure(p, $"config: policy '{text}' is not one of merged, all_tasks, none");
            c = c with { Policy = policy };
        }
        c = c with
        {
            Is64Bit = a.Bool("is64bit", c.Is64Bit),
            ProtectionKeys = a.Bool("protection_keys", c.ProtectionKeys),
            NoXsave = a.Bool("noxsave", c.NoXsave),
            AmdZenXsavesErratum = a.Bool("amd_zen_xsaves_erratum", c.AmdZenXsavesErratum),
            Ia32Emulation = a.Bool("ia32_emulation", c.Ia32Emulation),
            StrictSigaltstackSize = a.Bool("strict_sigaltstack_size", c.StrictSigaltstackSize),
            CpuidSetRefreshesCurrent = a.Bool("cpuid_set_refreshes_current", c.CpuidSetRefreshesCurrent),
            NoXsaveopt = a.Bool("noxsaveopt", c.NoXsaveopt),
            NoXsaves = a.Bool("noxsaves", c.NoXsaves),
            ClearCpuid = a.Node("clearcpuid") is { } clear ? ClearCpuid(clear) : c.ClearCpuid,
        };
        a.Done();
        return c;
    }

    /// <summary>clearcpuid: the kernel's comma-separated list ("avx,xsaves") or a YAML list; names or bit numbers.</summary>
    private static CpuidFlags ClearCpuid(YamlNode node)
    {
        var words = node switch
        {
            YamlScalarNode s => (s.Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(w => (w, (YamlNode)s)),
            YamlSequenceNode q => q.Select(i => ((i as YamlScalarNode)?.Value ?? throw new ParseFailure(i, "config: clearcpuid items must be flag names"), i)),
            _ => throw new ParseFailure(node, "config: clearcpuid must be a list of flag names, like avx,xsaves"),
        };
        var flags = CpuidFlags.None;
        foreach (var (word, at) in words)
        {
            if (!CpuidFlagNames.TryParse(word, out var flag))
                throw new ParseFailure(at, $"config: clearcpuid '{word}' is not a modelled capability (names or numbers: {CpuidFlagNames.Help})");
            flags |= flag;
        }
        return flags;
    }

    private static ScenarioStep Step(int index, YamlNode item, CpuModel cpu)
    {
        if (item is not YamlMappingNode m || m.Children.Count == 0)
            throw new ParseFailure(item, "a step is a mapping: the operation, then optionally expect: and note:");
        YamlNode? expect = null;
        (YamlScalarNode Key, YamlNode Value)? op = null;
        foreach (var (k, v) in m.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (key == "expect") expect = v;
            else if (key == "note") continue;
            else if (op is not null) throw new ParseFailure(k, $"a step has one operation; '{op.Value.Key.Value}' and '{key}' are both given (expect: and note: are the other keys)");
            else op = ((YamlScalarNode)k, v);
        }
        if (op is not { } o) throw new ParseFailure(item, "the step names no operation");
        var name = o.Key.Value ?? "";
        StepAction action;
        if (name == "check")
        {
            if (o.Value is not YamlScalarNode { Value: "invariants" }) throw new ParseFailure(o.Value, "check: the only checkpoint is 'invariants'");
            action = new InvariantsAction();
        }
        else if (OpCatalog.Ops.TryGetValue(name, out var builder))
        {
            var args = new Args(name, o.Key, o.Value);
            action = builder(args, cpu);
            args.Done();
        }
        else
        {
            throw new ParseFailure(o.Key, $"unknown operation '{name}' (known: check, {string.Join(", ", OpCatalog.Ops.Keys)})");
        }
        return new ScenarioStep(index, (int)o.Key.Start.Line, name, action, Expectations(expect, action));
    }

    private static IReadOnlyList<Expectation> Expectations(YamlNode? node, StepAction action)
    {
        if (node is null) return [];
        if (node is not YamlMappingNode m) throw new ParseFailure(node, "expect: must be a mapping field: value");
        var list = new List<Expectation>();
        foreach (var (k, v) in m.Children)
        {
            var path = (k as YamlScalarNode)?.Value ?? "";
            if (!FieldTable.Allowed(action.Fields, path))
                throw new ParseFailure(k, $"expect: '{path}' is not a field of this step (fields: {FieldTable.Help(action.Fields)})");
            list.Add(new Expectation(path, Matcher(v, path), (int)k.Start.Line));
        }
        return list;
    }

    private static Matcher Matcher(YamlNode v, string path)
    {
        switch (v)
        {
            case YamlSequenceNode seq:
                return new EqualsMatcher(seq.Select(i => i is YamlScalarNode s ? s.Value ?? "" : throw new ParseFailure(i, $"expect {path}: list items must be values")).ToList());
            case YamlMappingNode mm when mm.Children.Count == 1:
                var (k, val) = mm.Children.First();
                var kind = (k as YamlScalarNode)?.Value;
                return kind switch
                {
                    "contains" => new ContainsMatcher(Args.MaskOf(val, $"expect {path}")),
                    "excludes" => new ExcludesMatcher(Args.MaskOf(val, $"expect {path}")),
                    "at_least" => new AtLeastMatcher(Symbols.TryInteger((val as YamlScalarNode)?.Value ?? "", out var n) ? n : throw new ParseFailure(val, $"expect {path}: at_least needs a number")),
                    _ => throw new ParseFailure(k, $"expect {path}: '{kind}' is not a matcher (contains, excludes, at_least)"),
                };
            case YamlScalarNode s:
                var text = s.Value ?? "";
                // Plain (unquoted) absent: the field must not be produced; "absent" in quotes is the name.
                if (s.Style == ScalarStyle.Plain && text == "absent") return new AbsentMatcher();
                if (s.Style == ScalarStyle.Plain && text is "true" or "false") return new EqualsMatcher(text == "true");
                if (Symbols.TryErrno(text, out var errno)) return new EqualsMatcher((Int128)errno, text);
                if (Symbols.TryInteger(text, out var i)) return new EqualsMatcher(i, text);
                if (s.Style == ScalarStyle.Plain && Symbols.TryMask(text, out var mask)) return new EqualsMatcher((Int128)mask, text);
                return new EqualsMatcher(text);
            default:
                throw new ParseFailure(v, $"expect {path}: expected a value, a list, absent, or {{contains|excludes|at_least: ...}}");
        }
    }
}
