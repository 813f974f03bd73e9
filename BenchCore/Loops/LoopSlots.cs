namespace Xsave.BenchCore.Loops;

/// <summary>
/// Gives every prepared loop its own machine code. The loops are generic over an empty struct "slot"; the JIT compiles
/// a separate copy of a method for each value-type argument, so each copy has its own call sites and its own dynamic
/// PGO profile. Without this, the first implementation measured in a process would have its interface calls
/// devirtualized and inlined inside the shared loop, and the second would not — a bias between oracle and optimized
/// that depends only on the order of the run.
/// </summary>
internal static class LoopSlots
{
    private struct S0;
    private struct S1;
    private struct S2;
    private struct S3;
    private struct S4;
    private struct S5;
    private struct S6;
    private struct S7;
    private struct S8;
    private struct S9;
    private struct S10;
    private struct S11;
    private struct S12;
    private struct S13;
    private struct S14;
    private struct S15;

    private static readonly Type[] Slots =
    [
        typeof(S0), typeof(S1), typeof(S2), typeof(S3), typeof(S4), typeof(S5), typeof(S6), typeof(S7),
        typeof(S8), typeof(S9), typeof(S10), typeof(S11), typeof(S12), typeof(S13), typeof(S14), typeof(S15),
    ];

    private static readonly Dictionary<Type, int> NextSlot = [];

    /// <summary>A new instance of <paramref name="openLoop"/> (a loop type with one slot parameter) on the next slot of
    /// that loop type; slots are reused after sixteen.</summary>
    public static IOperationLoop Create(Type openLoop, params object[] arguments)
    {
        Type slot;
        lock (NextSlot)
        {
            int next = NextSlot.GetValueOrDefault(openLoop);
            NextSlot[openLoop] = next + 1;
            slot = Slots[next % Slots.Length];
        }
        return (IOperationLoop)Activator.CreateInstance(openLoop.MakeGenericType(slot), arguments)!;
    }
}
