using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>The 64-byte XSAVE header of a UABI buffer (R13): XSTATE_BV, XCOMP_BV and 48 reserved bytes.</summary>
public sealed record UabiHeader(FeatureMask XstateBv, ulong XcompBv, byte[] Reserved)
{
    public const int ReservedSize = 48;

    /// <summary>Reads bytes 512..575. The caller has checked that the buffer holds them.</summary>
    public static UabiHeader Read(ReadOnlySpan<byte> buffer) => new(
        new FeatureMask(BitConverter.ToUInt64(buffer.Slice(LegacyRegion.XstateBv, 8))),
        BitConverter.ToUInt64(buffer.Slice(LegacyRegion.XcompBv, 8)),
        buffer.Slice(LegacyRegion.HeaderReserved, ReservedSize).ToArray());

    /// <summary>
    /// R68 validate_user_xstate_header: -EINVAL when XSTATE_BV names a feature outside fpstate.user_xfeatures (this
    /// covers supervisor bits and bit 63), when XCOMP_BV is not zero (a UABI buffer is never compacted), or when any
    /// of the 48 reserved bytes is not zero (stricter than the CPU's standard-form check, KO §6b).
    /// </summary>
    public KResult Validate(Fpstate fps)
    {
        // R68: no unknown or supervisor features.
        if (!XstateBv.IsSubsetOf(fps.UserXfeatures)) return Errno.EINVAL;

        // R68: userspace must never set XCOMP_BV.
        if (XcompBv != 0) return Errno.EINVAL;

        // R68: all 48 reserved bytes must be zero.
        foreach (var b in Reserved)
            if (b != 0) return Errno.EINVAL;

        return KResult.Ok;
    }

    /// <summary>R68 as a function of a raw buffer (at least 576 bytes).</summary>
    public static KResult Validate(ReadOnlySpan<byte> buffer, Fpstate fps) => Read(buffer).Validate(fps);
}
