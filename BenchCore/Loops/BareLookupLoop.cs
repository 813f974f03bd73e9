namespace Xsave.BenchCore.Loops;

/// <summary>
/// The baseline of the size and validity targets: a bare table lookup, reading a precomputed int[] of standard sizes
/// indexed by a small mask index, in the same loop shape as the architecture queries (minus the interface call).
/// </summary>
internal sealed class BareLookupLoop<TSlot>(int[] table, ushort[] index) : IOperationLoop where TSlot : struct
{
    private int _next;

    public long Run(int count)
    {
        long sum = 0;
        int i = _next;
        for (int k = 0; k < count; k++)
        {
            sum += table[index[i]];
            i = (i + 1) & (BenchInputs.Count - 1);
        }
        _next = i;
        return sum;
    }
}
