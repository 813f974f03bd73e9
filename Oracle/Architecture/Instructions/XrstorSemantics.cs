using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XRSTOR (SDM XRSTOR): checks common to both forms, then XCOMP_BV[63] of the buffer selects the standard form (R23,
/// <see cref="XrstorStandard"/>) or the compacted form (R24, <see cref="XrstorCompacted"/>).
/// </summary>
public static class XrstorSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer) =>
        RestoreSemantics.Run(state, buffer, Check(cpu, state, edxEax, buffer));

    /// <summary>
    /// Fault order steps 1-7 of XRSTOR: the fault, or what the restore will load. Public for the kernel models that
    /// restore from a user buffer with the CPU's checks alone (sigreturn, R72).
    /// </summary>
    public static RestoreCheck Check(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18).
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xrstor, buffer) is { } fault)
            return RestoreCheck.Failed(fault);

        // Fault order step 5: the header is read before anything else.
        if (MemoryFaults.HeaderUnreadable(buffer) is { } pageFault)
            return RestoreCheck.Failed(pageFault);

        // R23/R24: XCOMP_BV[63] = 0 selects the standard form, 1 the compacted form.
        return buffer.ReadXcompBv().Contains(XFeatures.CompactedFormatBit)
            ? XrstorCompacted.Check(cpu, state, edxEax, buffer)
            : XrstorStandard.Check(cpu, state, edxEax, buffer);
    }

    /// <summary>Fault order steps 8-9 and the loads of a checked XRSTOR (R26, R27).</summary>
    public static InstructionOutcome Complete(MachineState state, XsaveBuffer buffer, RestorePlan plan) =>
        RestoreSemantics.Complete(state, buffer, plan);

    /// <summary>R23/R24: #GP when MXCSR (bytes 24..27) sets a bit outside MXCSR_MASK; FXRSTOR makes the same check.</summary>
    public static Fault? MxcsrFault(CpuModel cpu, XsaveBuffer buffer, string rule) => RestoreSemantics.MxcsrFault(cpu, buffer, rule);
}
