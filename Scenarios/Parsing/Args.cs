using System.Globalization;
using Xsave.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Xsave.Scenarios.Parsing;

/// <summary>A parse problem at a node; caught by the parser and turned into a <see cref="ScenarioError"/>.</summary>
internal sealed class ParseFailure(YamlNode? at, string message) : Exception(message)
{
    private Mark? _at = at?.Start;

    /// <summary>Where the problem is when there is no node (checks on the YAML events).</summary>
    public Mark At { init => _at = value; }

    public int Line => _at is { } m ? (int)m.Line : 1;
    public int Column => _at is { } m ? (int)m.Column : 1;
}

/// <summary>
/// The arguments of one operation (a YAML mapping): typed getters that fail with the argument's line, and a final
/// check that every argument given was known to the operation (a typo is an error, not silently ignored).
/// </summary>
internal sealed class Args
{
    private readonly YamlMappingNode? _map;
    private readonly YamlNode _owner;
    private readonly string _op;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public Args(string op, YamlNode owner, YamlNode? value)
    {
        _op = op;
        _owner = owner;
        _map = value switch
        {
            null => null,
            YamlMappingNode m => m,
            YamlScalarNode s when string.IsNullOrEmpty(s.Value) || s.Value == "~" => null,
            _ => throw new ParseFailure(value, $"{op}: arguments must be a mapping like {{vcpu: 0}}"),
        };
    }

    public YamlNode At => _map ?? _owner;

    public YamlNode? Node(string key)
    {
        _known.Add(key);
        if (_map is null) return null;
        foreach (var (k, v) in _map.Children)
            if (k is YamlScalarNode ks && ks.Value == key) return v;
        return null;
    }

    public bool Has(string key) => Node(key) is not null;

    public int Int(string key, int? fallback = null)
    {
        var n = Node(key);
        if (n is null) return fallback ?? throw Missing(key);
        var v = Integer(n, key);
        if (v < int.MinValue || v > int.MaxValue) throw new ParseFailure(n, $"{_op}: {key} = {v} is out of range");
        return (int)v;
    }

    /// <summary>A size or length in bytes: 0 to <paramref name="max"/>; a negative one is an input error here, not an
    /// overflow in the implementations.</summary>
    public int Size(string key, int max, int? fallback = null)
    {
        var n = Node(key);
        if (n is null) return fallback ?? throw Missing(key);
        var v = Integer(n, key);
        if (v < 0) throw new ParseFailure(n, $"{_op}: {key} must not be negative");
        if (v > max) throw new ParseFailure(n, $"{_op}: {key} = {v} is more than {max} bytes");
        return (int)v;
    }

    public ulong ULong(string key, ulong? fallback = null)
    {
        var n = Node(key);
        if (n is null) return fallback ?? throw Missing(key);
        var v = Integer(n, key);
        if (v < 0) throw new ParseFailure(n, $"{_op}: {key} must not be negative");
        return (ulong)v;
    }

    public bool Bool(string key, bool fallback)
    {
        var n = Node(key);
        if (n is null) return fallback;
        var s = Scalar(n, key);
        return s switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new ParseFailure(n, $"{_op}: {key} must be true or false, not '{s}'"),
        };
    }

    /// <summary>A mask: number, "FP|SSE|AVX", a list of names, or one of the <paramref name="keywords"/> (e.g. supported).</summary>
    public ulong Mask(string key, ulong? fallback = null, IReadOnlyDictionary<string, ulong>? keywords = null)
    {
        var n = Node(key);
        if (n is null) return fallback ?? throw Missing(key);
        return MaskOf(n, $"{_op}: {key}", keywords);
    }

    public static ulong MaskOf(YamlNode n, string what, IReadOnlyDictionary<string, ulong>? keywords = null)
    {
        if (n is YamlSequenceNode seq)
        {
            ulong m = 0;
            foreach (var item in seq)
            {
                var name = item is YamlScalarNode s ? s.Value ?? "" : throw new ParseFailure(item, $"{what}: expected a feature name");
                if (!Symbols.TryFeature(name, out int bit)) throw new ParseFailure(item, $"{what}: unknown feature name '{name}'");
                m |= 1UL << bit;
            }
            return m;
        }
        var text = n is YamlScalarNode sc ? sc.Value ?? "" : throw new ParseFailure(n, $"{what}: expected a mask");
        if (keywords is not null && keywords.TryGetValue(text, out var kw)) return kw;
        if (Symbols.TryMask(text, out var mask)) return mask;
        throw new ParseFailure(n, $"{what}: '{text}' is not a mask (a number like 0x602e7, or names like FP|SSE|XTILE_DATA)" +
            (keywords is null ? "" : $" or one of: {string.Join(", ", keywords.Keys)}"));
    }

    /// <summary>A number or one of the symbolic names of <paramref name="names"/>.</summary>
    public T Symbol<T>(string key, IReadOnlyDictionary<string, T> names, T? fallback = null) where T : struct
    {
        var n = Node(key);
        if (n is null) return fallback ?? throw Missing(key);
        var s = Scalar(n, key);
        if (names.TryGetValue(s, out var v)) return v;
        if (Symbols.TryInteger(s, out var i) && i >= 0 && i <= uint.MaxValue)
        {
            try
            {
                return (T)Convert.ChangeType((ulong)i, typeof(T), CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                throw new ParseFailure(n, $"{_op}: {key} = {i} is out of range");
            }
        }
        throw new ParseFailure(n, $"{_op}: {key} '{s}' is not a number or one of: {string.Join(", ", names.Keys)}");
    }

    public string Scalar(YamlNode n, string key) =>
        n is YamlScalarNode s ? s.Value ?? "" : throw new ParseFailure(n, $"{_op}: {key} must be a single value");

    public Int128 Integer(YamlNode n, string key)
    {
        var s = Scalar(n, key);
        if (Symbols.TryInteger(s, out var v)) return v;
        throw new ParseFailure(n, $"{_op}: {key} '{s}' is not a number");
    }

    /// <summary>Every argument given must have been asked for.</summary>
    public void Done()
    {
        if (_map is null) return;
        foreach (var (k, _) in _map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "?";
            if (!_known.Contains(name))
                throw new ParseFailure(k, $"{_op}: unknown argument '{name}' (known: {string.Join(", ", _known.Order())})");
        }
    }

    private ParseFailure Missing(string key) => new(At, $"{_op}: missing argument '{key}'");
}
