namespace Xsave.Optimized.Architecture;

/// <summary>
/// The architectures already booted, by CPU model object, in a small direct-mapped table: a repeated CPU is found
/// without a lock or allocation, and a new one replaces whatever sat in its slot. Property runs create a CPU model per
/// case; a weak table kept a GC handle per model and took a lock per insertion, which cost more than the boot itself.
/// </summary>
internal sealed class BootedCpus
{
    private const int Slots = 64; // a power of two

    private sealed record Entry(Contract.CpuModel Cpu, OptimizedCpuArchitecture Architecture);

    private readonly Entry?[] _slots = new Entry?[Slots];

    public OptimizedCpuArchitecture For(Contract.CpuModel cpu)
    {
        ref var slot = ref _slots[System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(cpu) & (Slots - 1)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && ReferenceEquals(entry.Cpu, cpu)) return entry.Architecture;
        var booted = new OptimizedCpuArchitecture(cpu);
        Volatile.Write(ref slot, new Entry(cpu, booted));
        return booted;
    }
}
