using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// The checks every XSAVE-family instruction makes before touching memory (SPEC R18), and the one fault priority order
/// this oracle follows everywhere. When several fault conditions hold, the first in this list is the fault raised:
/// <code>
///   1. #UD  CR4.OSXSAVE = 0; the CPU lacks XSAVE; the CPU lacks the variant (XSAVEOPT/XSAVEC/XSAVES, R5)   (R18)
///   2. #NM  CR0.TS = 1 — XSAVE*/XRSTOR* only; XSETBV, XGETBV and WRMSR do not look at TS                  (R18)
///   3. #GP  CPL > 0 for the privileged operations: XSAVES, XRSTORS, XSETBV, WRMSR                    (R22, R25, R8)
///   4. #GP  the memory operand is not 64-byte aligned                                                     (R18)
///   5. #PF  XRSTOR*: the 64-byte header lies outside the buffer (it is read before it can be checked)     (R13)
///   6. #GP  operand checks: the XRSTOR* header (R23, R24, R25, in each file's order); XSETBV/XGETBV ECX and value;
///           WRMSR: MSR present, value allowed                                                   (R8, R10, R11, R17)
///   7. #GP  MXCSR reserved bits, when the form loads MXCSR                                           (R23, R24, R25)
///   8. #NM  XFD: a component the instruction would load is disabled in IA32_XFD; XFD_ERR records it        (R27)
///   9. #PF  any other byte the instruction reads or writes lies outside the buffer                       (R14, R15)
/// </code>
/// A fault leaves registers and memory as they were, except step 8, which sets XFD_ERR bits. Hardware may already have
/// written memory (saves) or loaded registers (restores) when a step-9 #PF hits: the outcome marks those unspecified.
/// </summary>
internal static class CommonChecks
{
    /// <summary>Steps 1-4 for an XSAVE-family instruction; null when none applies.</summary>
    public static Fault? BeforeMemoryAccess(CpuModel cpu, MachineState state, XsaveInstruction instruction, XsaveBuffer buffer)
    {
        // 1. R18: #UD if CR4.OSXSAVE = 0 or the CPU lacks the feature.
        if (!state.Cr4Osxsave)
            return new Fault(FaultKind.UD, "R18", "CR4.OSXSAVE = 0");
        if (!cpu.Flags.Xsave)
            return new Fault(FaultKind.UD, "R18", "the CPU has no XSAVE (CPUID.1:ECX[26] = 0)");
        var missing = MissingVariant(cpu, instruction);
        if (missing is not null)
            return new Fault(FaultKind.UD, "R18", missing);

        // 2. R18: #NM if CR0.TS = 1.
        if (state.Cr0Ts)
            return new Fault(FaultKind.NM, "R18", "CR0.TS = 1");

        // 3. R22, R25: XSAVES and XRSTORS are CPL 0 only.
        if (instruction is XsaveInstruction.Xsaves or XsaveInstruction.Xrstors && state.Cpl != 0)
            return new Fault(FaultKind.GP, instruction == XsaveInstruction.Xsaves ? "R22" : "R25",
                $"{instruction.ToString().ToUpperInvariant()} at CPL {state.Cpl}: CPL 0 only");

        // 4. R18: the operand must be 64-byte aligned.
        if (buffer.Address % 64 != 0)
            return new Fault(FaultKind.GP, "R18", $"operand address 0x{buffer.Address:x} is not 64-byte aligned");

        return null;
    }

    /// <summary>R5: CPUID.(0xD,1).EAX enumerates the variants; XSAVE and XRSTOR need only XSAVE itself.</summary>
    private static string? MissingVariant(CpuModel cpu, XsaveInstruction instruction) => instruction switch
    {
        XsaveInstruction.Xsaveopt when !cpu.HasXsaveopt => "the CPU has no XSAVEOPT (CPUID.(0xD,1).EAX[0] = 0)",
        XsaveInstruction.Xsavec when !cpu.HasXsavec => "the CPU has no XSAVEC (CPUID.(0xD,1).EAX[1] = 0)",
        XsaveInstruction.Xsaves or XsaveInstruction.Xrstors when !cpu.HasXsaves =>
            "the CPU has no XSAVES/XRSTORS (CPUID.(0xD,1).EAX[3] = 0)",
        _ => null,
    };
}
