using Xsave.Contract;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// A component's bytes in an XSAVE area and in the machine state (R12); its init configuration is <see cref="InitConfiguration"/> (R17).
/// Conventions: a <see cref="ComponentPlacement"/> comes from <see cref="StandardLayout"/> or <see cref="CompactedLayout"/>;
/// the x87 placement covers legacy bytes 0..159 but bytes 24..31 inside it are MXCSR/MXCSR_MASK, which are SSE state.
/// </summary>
internal static class ComponentImage
{
    /// <summary>The buffer bytes a component occupies: x87 skips MXCSR/MXCSR_MASK at 24..31 (R12); others are contiguous.</summary>
    public static IReadOnlyList<ByteRange> Ranges(ComponentPlacement placement)
    {
        if (placement.Index == (int)XFeature.Fp)
            return [ByteRange.FromTo(0, LegacyRegion.Mxcsr), ByteRange.FromTo(LegacyRegion.StRegisters, placement.End)];
        return [new ByteRange(placement.Offset, placement.Size)];
    }

    /// <summary>
    /// The bytes a save stores for component i: the registers when in use, else the init configuration (XINUSE[i] = 0
    /// means the component is in init configuration, R17, whatever stale bytes the state may hold).
    /// </summary>
    public static byte[] ValueToSave(MachineState state, ComponentPlacement placement, bool inUse)
    {
        if (!inUse || !state.HasComponent(placement.Index)) return InitConfiguration.Image(placement.Index, placement.Size);
        return state.Component(placement.Index).ToArray();
    }

    /// <summary>Queues the writes of component bytes <paramref name="value"/> at its placement.</summary>
    public static void Store(PendingWrites writes, ComponentPlacement placement, byte[] value)
    {
        foreach (var range in Ranges(placement))
            writes.Bytes(range.Offset, value.AsSpan(range.Offset - placement.Offset, range.Length));
    }

    /// <summary>Reads component bytes from its placement (the x87 image keeps bytes 24..31 zero).</summary>
    public static byte[] Load(XsaveBuffer buffer, ComponentPlacement placement)
    {
        var value = new byte[placement.Size];
        foreach (var range in Ranges(placement))
            buffer.Span(range.Offset, range.Length).CopyTo(value.AsSpan(range.Offset - placement.Offset));
        return value;
    }
}
