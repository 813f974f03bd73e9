using System.Globalization;

namespace Xsave.Scenarios.Model;

/// <summary>What an observed field must be. Numbers compare by value whatever their sign or notation.</summary>
public abstract record Matcher
{
    /// <summary>Null when <paramref name="observed"/> satisfies the matcher, else why not.</summary>
    public abstract string? Mismatch(FieldValue? observed);

    /// <summary>The expectation as it reads in the report.</summary>
    public abstract string Text { get; }
}

/// <summary>The field equals a number (also an errno written -EBUSY), a boolean, a name, or a list of names.</summary>
public sealed record EqualsMatcher(object Value, string? Written = null) : Matcher
{
    public override string? Mismatch(FieldValue? observed)
    {
        if (observed is null) return "field not produced";
        bool same = (Value, observed.Value) switch
        {
            (Int128 a, Int128 b) => a == b,
            (bool a, bool b) => a == b,
            (string a, string b) => string.Equals(Norm(a), Norm(b), StringComparison.OrdinalIgnoreCase),
            (IReadOnlyList<string> a, IReadOnlyList<string> b) => a.Select(Norm).SequenceEqual(b.Select(Norm), StringComparer.OrdinalIgnoreCase),
            _ => false,
        };
        return same ? null : $"expected {Text}, got {observed.Text}";
    }

    public override string Text => Written ?? FieldValue.Format(Value);

    private static string Norm(string s) => s.TrimStart('#');
}

/// <summary>A mask field has every bit of <see cref="Bits"/> set.</summary>
public sealed record ContainsMatcher(ulong Bits) : Matcher
{
    public override string? Mismatch(FieldValue? observed) =>
        observed?.Value is not Int128 v ? "field not produced or not a mask"
        : ((ulong)(v & ulong.MaxValue) & Bits) == Bits ? null : $"expected all of 0x{Bits:x}, got {observed.Text}";

    public override string Text => $"contains 0x{Bits:x}";
}

/// <summary>A mask field has no bit of <see cref="Bits"/> set.</summary>
public sealed record ExcludesMatcher(ulong Bits) : Matcher
{
    public override string? Mismatch(FieldValue? observed) =>
        observed?.Value is not Int128 v ? "field not produced or not a mask"
        : ((ulong)(v & ulong.MaxValue) & Bits) == 0 ? null : $"expected none of 0x{Bits:x}, got {observed.Text}";

    public override string Text => $"excludes 0x{Bits:x}";
}

/// <summary>The field must not be produced at all (e.g. a CPUID sub-leaf that is not reported): written <c>absent</c>.</summary>
public sealed record AbsentMatcher : Matcher
{
    public override string? Mismatch(FieldValue? observed) => observed is null ? null : $"expected no such field, got {observed.Text}";

    public override string Text => "absent";
}

/// <summary>A numeric field is at least <see cref="Min"/>.</summary>
public sealed record AtLeastMatcher(Int128 Min) : Matcher
{
    public override string? Mismatch(FieldValue? observed) =>
        observed?.Value is not Int128 v ? "field not produced or not a number"
        : v >= Min ? null : $"expected at least {Min}, got {observed.Text}";

    public override string Text => $">= {Min.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// One observed field: its value (numbers as Int128, booleans, strings, lists of strings) and how it prints (masks in hex,
/// sizes in decimal, errnos by name).
/// </summary>
public sealed record FieldValue(object Value, string Text)
{
    public static FieldValue Number(long v) => new((Int128)v, v.ToString(CultureInfo.InvariantCulture));
    public static FieldValue Mask(ulong v) => new((Int128)v, $"0x{v:x}");
    public static FieldValue Flag(bool v) => new(v, v ? "true" : "false");
    public static FieldValue Name(string v) => new(v, v);
    public static FieldValue Names(IReadOnlyList<string> v) => new(v, "[" + string.Join(", ", v) + "]");

    /// <summary>A system call result: a count, or -ENAME.</summary>
    public static FieldValue Result(long v) =>
        new((Int128)v, v < 0 && Enum.IsDefined(typeof(Contract.Linux.Errno), (int)(-v)) ? $"-{(Contract.Linux.Errno)(int)(-v)}" : v.ToString(CultureInfo.InvariantCulture));

    public static string Format(object value) => value switch
    {
        Int128 n when n < 0 && n >= -200 && Enum.IsDefined(typeof(Contract.Linux.Errno), (int)(-n)) => $"-{(Contract.Linux.Errno)(int)(-n)}",
        Int128 n when n > 4096 && (n & (n - 1)) == 0 => $"0x{(ulong)n:x}",
        Int128 n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IReadOnlyList<string> l => "[" + string.Join(", ", l) + "]",
        _ => value.ToString() ?? "",
    };
}
