using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>Which components count as "in use" (not in init configuration) for the instructions that ask (R17).</summary>
internal static class InUse
{
    /// <summary>
    /// R17: XINUSE, with SSE counted as in use whenever MXCSR != 1F80H. The SDM allows XINUSE[1] = 0 then, but XSAVEC
    /// saves SSE in that case anyway (R21); Zen 5 sets XINUSE[1] on LDMXCSR (KO §1c) and XSAVE reports XSTATE_BV[1] = 1
    /// (KO §5a last row). One definition for XGETBV(1) and every save.
    /// </summary>
    public static FeatureMask Tracked(MachineState state) =>
        state.Mxcsr != LegacyRegion.InitMxcsr ? state.XinUse.With(XFeature.Sse) : state.XinUse;

    /// <summary>R27: every XSAVE* treats an XFD-disabled component as not in use.</summary>
    public static FeatureMask ForSave(MachineState state) => XfdSemantics.TreatedAsInUseBySave(state, Tracked(state));
}
