using Xsave.Contract;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>What a restore does with MXCSR, which the forms treat differently (R23, R24).</summary>
public enum MxcsrAction
{
    Unchanged,
    /// <summary>Load MXCSR from bytes 24..27 of the legacy region (already checked against MXCSR_MASK).</summary>
    Load,
    /// <summary>Set MXCSR to its init value 1F80H.</summary>
    Initialize,
}

/// <summary>
/// What a restore will do once its header checks passed: <see cref="ToLoad"/> = RFBM AND XSTATE_BV is loaded from
/// <see cref="Layout"/>, every other RFBM component is initialized (R26).
/// </summary>
public sealed record RestorePlan(FeatureMask Rfbm, FeatureMask ToLoad, XsaveLayout Layout, MxcsrAction Mxcsr, string LayoutRule)
{
    public FeatureMask ToInitialize => Rfbm.Except(ToLoad);
}

/// <summary>The verdict of a restore's checks up to MXCSR (fault order steps 1-7): the fault, or the plan.</summary>
public sealed record RestoreCheck(Fault? Fault, RestorePlan? Plan)
{
    public static RestoreCheck Failed(Fault fault) => new(fault, null);
    public static RestoreCheck Planned(RestorePlan plan) => new(null, plan);
}

/// <summary>
/// The part of XRSTOR, compacted XRSTOR and XRSTORS that comes after their header checks (SPEC R26, R27): XFD #NM,
/// #PF, then load or initialize every RFBM component.
/// </summary>
internal static class RestoreSemantics
{
    /// <summary>A checked restore: its fault, or the rest of the instruction.</summary>
    public static InstructionOutcome Run(MachineState state, XsaveBuffer buffer, RestoreCheck check) =>
        check.Plan is { } plan ? Complete(state, buffer, plan) : InstructionOutcome.Faulted(check.Fault!, state, buffer);

    public static InstructionOutcome Complete(MachineState state, XsaveBuffer buffer, RestorePlan plan)
    {
        // Fault order step 8, R27: loading an XFD-disabled component raises #NM and sets XFD_ERR.
        if (XfdSemantics.RestoreFault(state, buffer, plan.ToLoad) is { } xfdFault)
            return xfdFault;

        // Fault order step 9: every byte to load must be inside the buffer. Hardware may have loaded some components
        // before faulting, so every RFBM component is unspecified after this #PF.
        var reads = plan.ToLoad.Indices().SelectMany(i => ComponentImage.Ranges(Placement(plan, i))).ToList();
        if (plan.Mxcsr == MxcsrAction.Load) reads.Add(new ByteRange(LegacyRegion.Mxcsr, 4));
        if (MemoryFaults.StandardOperandOutside(buffer, plan.Layout) is { } operand) reads.Add(operand);
        foreach (var range in reads.Where(r => !buffer.Covers(r)))
            return InstructionOutcome.Faulted(
                    new Fault(FaultKind.PF, plan.LayoutRule, $"bytes {range} lie outside the {buffer.Length}-byte buffer"), state, buffer)
                with { UnspecifiedComponents = plan.Rfbm };

        // R26: components with RFBM[i] = 0 are not modified; with XSTATE_BV[i] = 1 they are loaded, otherwise set to
        // their init configuration (R17).
        var next = state;
        foreach (int i in plan.Rfbm.Indices().Where(state.HasComponent))
        {
            var bytes = plan.ToLoad.Contains(i)
                ? ComponentImage.Load(buffer, Placement(plan, i))
                : InitConfiguration.Image(i, state.Component(i).Length);
            next = next.WithRawComponent(i, bytes);
        }

        // Modelling decision (SDM XRSTOR "tracks as in-use any component with RFBM[i] = 1 and XSTATE_BV[i] = 1"):
        // for i in RFBM, XINUSE[i] := XSTATE_BV[i]. Loaded means in use, initialized means not.
        next = next with { XinUse = next.XinUse.Except(plan.Rfbm) | plan.ToLoad };

        // R20a (SDM Vol.1 13.8.3): XMODIFIED[i] := 0 for i in RFBM, the others unchanged; XRSTOR_INFO := (CPL, address,
        // XCOMP_BV), which is 0 in the standard form. A later XSAVEOPT/XSAVES to the same area may skip those components.
        var unmodified = (state.LastRestore?.Unmodified ?? FeatureMask.None) | plan.Rfbm;
        next = next with { LastRestore = new RestoreTracking(buffer.Address, state.Cpl, buffer.ReadXcompBv(), unmodified) };

        // R23, R24: MXCSR per form.
        next = plan.Mxcsr switch
        {
            MxcsrAction.Load => next with { Mxcsr = buffer.ReadUInt32(LegacyRegion.Mxcsr) },
            MxcsrAction.Initialize => next with { Mxcsr = LegacyRegion.InitMxcsr },
            _ => next,
        };
        return InstructionOutcome.Success(next, buffer);
    }

    /// <summary>R23/R24: #GP when MXCSR has a bit outside MXCSR_MASK (fault order step 7).</summary>
    public static Fault? MxcsrFault(CpuModel cpu, XsaveBuffer buffer, string rule)
    {
        uint mxcsr = buffer.ReadUInt32(LegacyRegion.Mxcsr);
        uint reserved = mxcsr & ~cpu.MxcsrMask;
        return reserved == 0
            ? null
            : new Fault(FaultKind.GP, rule, $"MXCSR 0x{mxcsr:x} sets reserved bits 0x{reserved:x} (MXCSR_MASK 0x{cpu.MxcsrMask:x})");
    }

    /// <summary>True when the header bytes [from, 64) are all zero.</summary>
    public static bool HeaderBytesZero(XsaveBuffer buffer, int from) =>
        !buffer.Span(XFeatures.HeaderOffset + from, XFeatures.HeaderSize - from).ContainsAnyExcept((byte)0);

    private static ComponentPlacement Placement(RestorePlan plan, int index) =>
        plan.Layout.Find(index) ?? new ComponentPlacement(index, XFeatures.ExtendedRegionStart, 0);
}
