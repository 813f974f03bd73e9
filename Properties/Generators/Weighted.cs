using FsCheck;
using FsCheck.Fluent;

namespace Xsave.Properties.Generators;

/// <summary>
/// FsCheck's Gen.Frequency for generators built per case (inside a bind on the CPU): the same choice, weight against
/// total, with one draw and a lookup instead of Frequency's set-up, which cost more than the mask it chose.
/// </summary>
public static class Weighted
{
    public static Gen<T> Of<T>(params (int Weight, Gen<T> Gen)[] choices)
    {
        int total = 0;
        foreach (var c in choices) total += c.Weight;
        return Gen.Choose(0, total - 1).SelectMany(k =>
        {
            foreach (var c in choices)
            {
                if (k < c.Weight) return c.Gen;
                k -= c.Weight;
            }
            throw new InvalidOperationException("unreachable: k < total");
        });
    }
}
