using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Properties.Generators;

/// <summary>
/// Decisions drawn from one 64-bit seed (SplitMix64: Steele, Lea and Flood, 2014), for generators whose many small
/// choices cost more as FsCheck binds than the value they make: <see cref="From{T}"/> draws the seed once from FsCheck's
/// Rnd (so a case is still named by FsCheck's seed and size) and builds the value with plain calls. Shrinking is not
/// affected: the laws' Arbitraries shrink the values, not the draws.
/// </summary>
public struct SeededDraws(ulong seed)
{
    private ulong _state = seed;

    /// <summary>64 random bits, one FsCheck draw of two 32-bit halves.</summary>
    public static Gen<ulong> Seeds { get; } =
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)hi << 32) | (uint)lo;

    /// <summary>A generator of values built from one seed.</summary>
    public static Gen<T> From<T>(Func<SeededDraws, T> build) => Seeds.Select(s => build(new SeededDraws(s)));

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n), without modulo bias worth naming (n is small; Lemire's multiply-shift).</summary>
    public int Below(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);

    /// <summary>True with probability <paramref name="num"/>/<paramref name="den"/>.</summary>
    public bool Chance(int num, int den) => Below(den) < num;

    /// <summary>One of the values, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> values) => values[Below(values.Count)];
}
