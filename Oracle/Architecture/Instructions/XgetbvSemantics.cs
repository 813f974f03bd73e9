using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// XGETBV: read XCR0 or XINUSE (SPEC R17; SDM XGETBV; KO §1b). Any CPL. Fault order: #UD, #GP(ECX).
/// </summary>
public static class XgetbvSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, uint ecx)
    {
        // Step 1. SDM XGETBV: #UD if CR4.OSXSAVE = 0 or the CPU has no XSAVE.
        if (!state.Cr4Osxsave) return Fault(FaultKind.UD, "CR4.OSXSAVE = 0");
        if (!cpu.Flags.Xsave) return Fault(FaultKind.UD, "the CPU has no XSAVE (CPUID.1:ECX[26] = 0)");

        switch (ecx)
        {
            case 0:
                // ECX = 0: XCR0 (KO §1b: 0xe7 on the host).
                return Returned(state.Xcr0);
            case 1 when cpu.HasXgetbv1:
                // R17: ECX = 1 returns XCR0 AND XINUSE, with SSE in use when MXCSR != 1F80H (KO §1c: LDMXCSR 0x1fc0 -> 0x03).
                // XFD does not enter: the SPEC says nothing of XFD here.
                return Returned(state.Xcr0 & InUse.Tracked(state));
            case 1:
                // Step 6. R17/R5: ECX = 1 needs CPUID.(0xD,1).EAX[2] (XGETBV1).
                return Fault(FaultKind.GP, "ECX = 1 on a CPU without XGETBV1 (CPUID.(0xD,1).EAX[2] = 0)");
            default:
                // Step 6. SDM XGETBV: any other ECX is #GP (KO §1b: ECX = 2 faults).
                return Fault(FaultKind.GP, $"ECX = {ecx}: no such XCR");
        }

        InstructionOutcome Returned(FeatureMask value) => InstructionOutcome.Success(state) with { ReturnedValue = value.Bits };

        InstructionOutcome Fault(FaultKind kind, string reason) =>
            InstructionOutcome.Faulted(new Fault(kind, "R17", reason), state);
    }
}
