using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XRSTORS: supervisor restore, compacted form only (SPEC R25; SDM XRSTORS). Same checks and loads as the compacted
/// XRSTOR (<see cref="XrstorCompacted"/>) over XCR0 | IA32_XSS.
/// </summary>
public static class XrstorsSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18), incl. #UD without CPUID.(0xD,1).EAX[3] and R25: #GP at CPL > 0.
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xrstors, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // Fault order step 5: the header is read before anything else.
        if (MemoryFaults.HeaderUnreadable(buffer) is { } pageFault)
            return InstructionOutcome.Faulted(pageFault, state, buffer);

        // Fault order step 6. R25: #GP if XCOMP_BV[63] = 0: XRSTORS has no standard form.
        if (!buffer.ReadXcompBv().Contains(XFeatures.CompactedFormatBit))
            return InstructionOutcome.Faulted(new Fault(FaultKind.GP, "R25", "XCOMP_BV[63] = 0: XRSTORS needs the compacted format"),
                state, buffer);

        // R25: RFBM = (XCR0 OR IA32_XSS) AND EDX:EAX; XCOMP_BV[62:0] is checked against XCR0 | IA32_XSS (the older SDM
        // page says XCR0; Linux sets supervisor bits in XCOMP_BV, so the effective rule includes XSS).
        var enabled = state.Xcr0 | state.Xss;
        return RestoreSemantics.Run(state, buffer,
            XrstorCompacted.Restore(cpu, state, buffer, enabled & edxEax, enabled, "XCR0|IA32_XSS", "R25"));
    }
}
