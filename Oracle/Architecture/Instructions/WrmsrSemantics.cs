using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>
/// WRMSR to IA32_XSS, IA32_XFD and IA32_XFD_ERR (SPEC R10, R11). Fault order: #GP(CPL), #GP(MSR absent),
/// #GP(value). WRMSR looks at neither CR4.OSXSAVE nor CR0.TS.
/// </summary>
public static class WrmsrSemantics
{
    public static InstructionOutcome Execute(CpuModel cpu, MachineState state, ArchMsr msr, FeatureMask value)
    {
        string rule = msr == ArchMsr.Xss ? "R10" : "R11";

        // Step 3. SDM WRMSR: #GP(0) if CPL != 0.
        if (state.Cpl != 0) return Fault(rule, $"WRMSR at CPL {state.Cpl}: CPL 0 only");

        switch (msr)
        {
            case ArchMsr.Xss:
                // Step 6. R5, R10: IA32_XSS exists only with XSAVES (CPUID.(0xD,1).EAX[3]); a missing MSR is #GP.
                if (!cpu.HasXsaves) return Fault("R10", "IA32_XSS does not exist: the CPU has no XSAVES");
                if (Rejected(XssRules.Check(cpu, value)) is { } xssFault) return xssFault;
                // Supervisor components just disabled: unspecified when enabled again (as for XSETBV).
                return InstructionOutcome.Success(state with { Xss = value }) with { UnspecifiedComponents = state.Xss.Except(value) };

            case ArchMsr.Xfd:
                // Step 6. R5, R11: IA32_XFD exists only with XFD (CPUID.(0xD,1).EAX[4]); only XFD-capable bits.
                if (!cpu.HasXfd) return Fault("R11", "IA32_XFD does not exist: the CPU has no XFD");
                if (Rejected(XfdRules.Check(cpu, value)) is { } xfdFault) return xfdFault;
                // R27: setting XFD[i] = 1 may immediately revert component i to init: the oracle keeps it and reports
                // the newly disabled components unspecified.
                return InstructionOutcome.Success(state with { Xfd = value }) with { UnspecifiedComponents = value.Except(state.Xfd) };

            case ArchMsr.XfdErr:
                // R11: IA32_XFD_ERR comes with XFD. Its allowed bits are not in the SPEC: UNVERIFIED; modelled like KVM,
                // which applies the IA32_XFD check to it.
                if (!cpu.HasXfd) return Fault("R11", "IA32_XFD_ERR does not exist: the CPU has no XFD");
                if (Rejected(XfdRules.Check(cpu, value)) is { } errFault) return errFault;
                return InstructionOutcome.Success(state with { XfdErr = value });

            default:
                // WRMSR to an MSR that does not exist is #GP.
                return Fault(rule, $"MSR 0x{(uint)msr:x} is not an XSAVE MSR this model knows");
        }

        InstructionOutcome? Rejected(Xsave.Contract.Registers.ValidityResult validity) =>
            validity.Valid ? null : Fault(validity.Rejections[0].Rule, string.Join("; ", validity.Rejections.Select(r => r.Reason)));

        InstructionOutcome Fault(string faultRule, string reason) =>
            InstructionOutcome.Faulted(new Fault(FaultKind.GP, faultRule, reason), state);
    }
}
