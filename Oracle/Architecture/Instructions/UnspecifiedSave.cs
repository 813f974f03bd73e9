using Xsave.Contract;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// What a conforming CPU may write differently from this model's save (SPEC R20a): the model picks one behaviour (the
/// init optimization only; XINUSE[1] set when MXCSR != 1F80H, as Zen 5), this file marks what the SDM leaves open.
/// </summary>
internal static class UnspecifiedSave
{
    /// <summary>
    /// R20a, R17: the RFBM components in their initial configuration. XINUSE[i] of such a component may be 0 or 1, so
    /// XSTATE_BV[i] is implementation-defined. Not an XFD-disabled one: R27 defines XSTATE_BV[i] = 0. SSE in the standard
    /// form: XINUSE[1] pertains to the XMM registers only (SDM XSAVE/XSAVEOPT: XSTATE_BV[1] may be 0 even if MXCSR !=
    /// 1F80H); in the compacted form XSAVEC/XSAVES treat SSE as in use whenever MXCSR != 1F80H (R21), so it is defined.
    /// </summary>
    public static FeatureMask EitherInUse(MachineState state, FeatureMask rfbm, bool compacted)
    {
        var either = FeatureMask.None;
        foreach (int i in rfbm.Except(state.Xfd).Indices().Where(i => InInitConfiguration(state, i)))
            if (!(i == (int)XFeature.Sse && compacted && state.Mxcsr != LegacyRegion.InitMxcsr))
                either = either.With(i);
        return either;
    }

    /// <summary>
    /// R20a: the RFBM components XSAVEOPT/XSAVES may skip by the modified optimization: unmodified since the last
    /// XRSTOR/XRSTORS, when this save corresponds to it (same address, CPL and COMPMASK; XSAVEOPT's COMPMASK is 0).
    /// An XFD-disabled component's area is never touched (R27), so it stays defined.
    /// </summary>
    public static FeatureMask Unmodified(MachineState state, XsaveBuffer buffer, FeatureMask rfbm, FeatureMask compMask) =>
        state.LastRestore is { } last && last.Matches(buffer.Address, state.Cpl, compMask)
            ? rfbm & last.Unmodified.Except(state.Xfd)
            : FeatureMask.None;

    /// <summary>The buffer bytes of <paramref name="components"/> in <paramref name="layout"/> (x87 without MXCSR, R12).</summary>
    public static IEnumerable<ByteRange> Bytes(XsaveLayout layout, FeatureMask components) =>
        layout.Placements.Where(p => components.Contains(p.Index)).SelectMany(ComponentImage.Ranges);

    /// <summary>R17: not in use, or in use but holding exactly its init configuration (no state bytes: nothing to hold).</summary>
    private static bool InInitConfiguration(MachineState state, int i) =>
        !state.XinUse.Contains(i) || !state.HasComponent(i) ||
        state.Component(i).AsSpan().SequenceEqual(InitConfiguration.Image(i, state.Component(i).Length));
}
