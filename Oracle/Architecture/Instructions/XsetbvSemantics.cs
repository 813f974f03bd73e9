using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>XSETBV: write XCR0 (SPEC R8, R9; SDM XSETBV). Fault order: #UD, #GP(CPL), #GP(ECX), #GP(value).</summary>
public static class XsetbvSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, uint ecx, FeatureMask value)
    {
        // Step 1. R8: #UD if CR4.OSXSAVE = 0 or the CPU has no XSAVE.
        if (!state.Cr4Osxsave) return Fault(FaultKind.UD, "R8", "CR4.OSXSAVE = 0");
        if (!cpu.Flags.Xsave) return Fault(FaultKind.UD, "R8", "the CPU has no XSAVE (CPUID.1:ECX[26] = 0)");

        // Step 3. R8: #GP if CPL > 0 (KO §5d: XSETBV at CPL 3 faults).
        if (state.Cpl != 0) return Fault(FaultKind.GP, "R8", $"XSETBV at CPL {state.Cpl}: CPL 0 only");

        // Step 6. R8: #GP if ECX != 0 (XCR0 is the only XCR).
        if (ecx != 0) return Fault(FaultKind.GP, "R8", $"ECX = {ecx}: only XCR0 (ECX = 0) can be written");

        // Step 6. R8, R9: #GP if the value is not a valid XCR0 (existing rules, every reason reported).
        var validity = Xcr0Rules.Check(cpu, value);
        if (!validity.Valid)
            return Fault(FaultKind.GP, validity.Rejections[0].Rule, string.Join("; ", validity.Rejections.Select(r => r.Reason)));

        // Components just disabled: the SPEC does not say what happens to their registers (or XINUSE bits) when they
        // are enabled again, so the oracle keeps them and reports them unspecified.
        return InstructionOutcome.Success(state with { Xcr0 = value }) with { UnspecifiedComponents = state.Xcr0.Except(value) };

        InstructionOutcome Fault(FaultKind kind, string rule, string reason) =>
            InstructionOutcome.Faulted(new Fault(kind, rule, reason), state);
    }
}
