using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XSAVEOPT (SPEC R20, R20a; SDM XSAVEOPT): XSAVE with the init and modified optimizations. This deterministic oracle
/// writes exactly the RFBM components in use; it reports as unspecified the bytes of every RFBM component in its initial
/// configuration and of every one the modified optimization may skip (unmodified since the XRSTOR from the same
/// address, <see cref="MachineState.LastRestore"/>, KO §5c).
/// </summary>
public static class XsaveoptSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, FeatureMask edxEax, XsaveBuffer buffer)
    {
        // Fault order steps 1-4 (R18), incl. #UD without CPUID.(0xD,1).EAX[0].
        if (CommonChecks.BeforeMemoryAccess(cpu, state, XsaveInstruction.Xsaveopt, buffer) is { } fault)
            return InstructionOutcome.Faulted(fault, state, buffer);

        // R20: same RFBM and XSTATE_BV formula as XSAVE; components not in use may be skipped; MXCSR always written
        // when RFBM[1] | RFBM[2].
        var rfbm = state.Xcr0 & edxEax;
        return XsaveSemantics.SaveStandard(cpu, state, buffer, rfbm, initOptimization: true);
    }
}
