using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// Extended feature disable (SPEC R27): how IA32_XFD changes what XSAVE* and XRSTOR* do. Conventions: <c>xfd</c> is
/// IA32_XFD; a component with XFD[i] = 1 is "XFD-disabled".
/// </summary>
internal static class XfdSemantics
{
    /// <summary>
    /// R27: XSAVE* treat an XFD-disabled component as not in use, so XSTATE_BV[i] = 0. Plain XSAVE still writes its
    /// area (with init values, see <see cref="XsaveSemantics"/>); no other XSAVE* touches it.
    /// </summary>
    public static FeatureMask TreatedAsInUseBySave(MachineState state, FeatureMask inUse) => inUse.Except(state.Xfd);

    /// <summary>
    /// R27 (fault order step 8): XRSTOR/XRSTORS raise #NM when a component with RFBM[i] = 1 and XSTATE_BV[i] = 1 is
    /// XFD-disabled, and record those components in IA32_XFD_ERR. Null when nothing to load is disabled.
    /// </summary>
    public static InstructionOutcome? RestoreFault(MachineState state, XsaveBuffer buffer, FeatureMask toLoad)
    {
        var disabled = toLoad & state.Xfd;
        if (disabled.IsEmpty) return null;
        return InstructionOutcome.Faulted(
            new Fault(FaultKind.NM, "R27", $"loading XFD-disabled components {disabled} ({disabled.Describe()})"),
            state with { XfdErr = state.XfdErr | disabled },
            buffer);
    }
}
