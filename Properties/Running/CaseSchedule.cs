using FsCheck;

namespace Xsave.Properties.Running;

/// <summary>
/// The Rnd and size of each case of a run, as FsCheck 3's runner chooses them (its <c>stepsSeq</c>): the run's Rnd is
/// split before every case (SplitMix, Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", 2014),
/// the case takes the right half and the run goes on with the left; the size grows from StartSize (1) by
/// (EndSize - 1) / MaxTest per case and is rounded half to even. Following it exactly means a seed names the same cases
/// in the gate's loop and in FsCheck's runner, so a failing case is handed to FsCheck with its own Rnd and size, and
/// every seed in a test, a regression file or a mutant trial keeps meaning what it meant.
/// </summary>
internal struct CaseSchedule(Rnd start, int maxTests, int endSize)
{
    private const int StartSize = 1;
    private const ulong Mix13A = 0xbf58476d1ce4e5b9UL, Mix13B = 0x94d049bb133111ebUL;

    private Rnd _run = start;
    private double _size = StartSize;
    private readonly double _step = (double)(endSize - StartSize) / maxTests;

    /// <summary>The next case's Rnd and size.</summary>
    public (Rnd Rnd, int Size) Next()
    {
        Split(_run, out var left, out var right);
        _run = left;
        _size += _step;
        return (right, (int)Math.Round(_size, MidpointRounding.ToEven));
    }

    /// <summary>SplitMix's split: two steps of the sequence, the right one re-seeded and given a new odd gamma.</summary>
    private static void Split(Rnd state, out Rnd left, out Rnd right)
    {
        ulong s1 = state.Seed + state.Gamma, s2 = s1 + state.Gamma;
        left = new Rnd(s2, state.Gamma);
        right = new Rnd(Mix64Variant13(s1), MixGamma(s2));
    }

    private static ulong Mix64Variant13(ulong z)
    {
        z = (z ^ (z >> 30)) * Mix13A;
        z = (z ^ (z >> 27)) * Mix13B;
        return z ^ (z >> 31);
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdUL;
        z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53UL;
        return z ^ (z >> 33);
    }

    /// <summary>An odd gamma with enough bit transitions (the paper's Fig. 16, with its n &lt; 24 correction).</summary>
    private static ulong MixGamma(ulong z)
    {
        z = Mix64(z) | 1UL;
        int transitions = System.Numerics.BitOperations.PopCount(z ^ (z >> 1));
        return transitions < 24 ? z ^ 0xaaaaaaaaaaaaaaaaUL : z;
    }
}
