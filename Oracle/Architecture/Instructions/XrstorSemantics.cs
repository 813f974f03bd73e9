using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XRSTOR (SDM XRSTOR): checks common to both forms, then XCOMP_BV[63] of the buffer selects the standard form (R23,
/// <see cref="XrstorStandard"/>) or the compacted form (R24, <see cref="XrstorCompacted"/>).
/// </summary>
public static class XrstorSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18).
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xrstor, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // Fault order step 5: the header is read before anything else.
        if (MemoryFaults.HeaderUnreadable(buffer) is { } pageFault)
            return InstructionOutcome.Faulted(pageFault, state, buffer);

        // R23/R24: XCOMP_BV[63] = 0 selects the standard form, 1 the compacted form.
        return buffer.ReadXcompBv().Contains(XFeatures.CompactedFormatBit)
            ? XrstorCompacted.Execute(cpu, state, edxEax, buffer)
            : XrstorStandard.Execute(cpu, state, edxEax, buffer);
    }
}
