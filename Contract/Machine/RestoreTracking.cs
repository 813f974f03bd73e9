namespace Xsave.Contract.Machine;

/// <summary>
/// The processor's tracking for the modified optimization (SPEC R20a; SDM Vol.1 13.6 and 13.8.3): XRSTOR_INFO, the
/// (CPL, linear address, COMPMASK) of the last XRSTOR/XRSTORS, and the components not modified since it (NOT XMODIFIED).
/// An upper bound: a CPU may always consider a component modified, so XSAVEOPT/XSAVES may skip at most
/// <see cref="Unmodified"/> — never more. VMX non-root operation is not modelled (always 0).
/// </summary>
/// <param name="Address">The linear address of the XSAVE area the last XRSTOR/XRSTORS read.</param>
/// <param name="Cpl">The CPL at which it ran.</param>
/// <param name="CompMask">Its XCOMP_BV (all zero for the standard form of XRSTOR).</param>
/// <param name="Unmodified">Components loaded or initialized by a restore and not written since.</param>
public sealed record RestoreTracking(ulong Address, int Cpl, FeatureMask CompMask, FeatureMask Unmodified)
{
    /// <summary>R20a: whether a save to <paramref name="address"/> at <paramref name="cpl"/> with COMPMASK
    /// <paramref name="compMask"/> "corresponds" to the last restore, so that it may use the modified optimization.</summary>
    public bool Matches(ulong address, int cpl, FeatureMask compMask) =>
        Address == address && Cpl == cpl && CompMask == compMask;

    /// <summary>The tracking after a write to <paramref name="components"/> (XMODIFIED[i] := 1).</summary>
    public RestoreTracking Modified(FeatureMask components) => this with { Unmodified = Unmodified.Except(components) };
}
