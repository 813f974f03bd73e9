using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XSAVES: supervisor save, compacted format (SPEC R22; SDM XSAVES). Same header writes and layout as XSAVEC, over
/// XCR0 | IA32_XSS. The modified optimization XSAVES may use is not applied, only marked (R20a).
/// </summary>
public static class XsavesSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18), incl. #UD without CPUID.(0xD,1).EAX[3] and R22: #GP at CPL > 0.
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xsaves, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // R22: RFBM = (XCR0 OR IA32_XSS) AND EDX:EAX (the older SDM page omits XSS: a documentation error).
        var rfbm = (state.Xcr0 | state.Xss) & edxEax;
        return XsavecSemantics.SaveCompacted(cpu, state, buffer, rfbm, modifiedOptimization: true);
    }
}
