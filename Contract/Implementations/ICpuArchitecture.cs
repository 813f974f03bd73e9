using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;
using Xsave.Contract.Registers;

namespace Xsave.Contract.Implementations;

/// <summary>
/// The architecture part of the contract, bound to one CPU (SPEC part A). An implementation may precompute whatever
/// it likes when it is created (as the kernel does at boot); every query is then a pure function of its arguments.
/// </summary>
public interface ICpuArchitecture
{
    CpuModel Cpu { get; }

    /// <summary>R14: size of a standard-format area for the user components of <paramref name="xcr0"/>.</summary>
    int StandardSize(FeatureMask xcr0);

    /// <summary>R15: size of a compacted area for XCOMP_BV[62:0] = <paramref name="xcompBv"/> (bit 63 ignored).</summary>
    int CompactedSize(FeatureMask xcompBv);

    /// <summary>R12-R14: every user component of <paramref name="xcr0"/> the CPU enumerates, at its standard offset.</summary>
    XsaveLayout StandardLayout(FeatureMask xcr0);

    /// <summary>R15: every component of XCOMP_BV[62:0] at its compacted offset.</summary>
    XsaveLayout CompactedLayout(FeatureMask xcompBv);

    /// <summary>R8/R9: whether XSETBV accepts the value, with every reason it does not.</summary>
    ValidityResult CheckXcr0(FeatureMask value);

    /// <summary>R10: whether WRMSR IA32_XSS accepts the value.</summary>
    ValidityResult CheckXss(FeatureMask value);

    /// <summary>R11: whether WRMSR IA32_XFD accepts the value.</summary>
    ValidityResult CheckXfd(FeatureMask value);

    /// <summary>
    /// R17-R29: one XSAVE-family instruction, XSETBV, XGETBV, WRMSR or INIT/RESET on an explicit machine state. Pure:
    /// neither the state nor the operation's memory changes; the outcome carries the state and memory after it.
    /// Only called when <see cref="ContractPart.Instructions"/> is declared.
    /// </summary>
    InstructionOutcome Execute(MachineState state, ArchOperation operation);
}
