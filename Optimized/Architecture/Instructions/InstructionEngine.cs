using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// The instruction part of the contract for one CPU (SPEC R17-R29): a switch on the operation, then one function
/// per instruction. Fault priority, when several conditions hold: #UD (CR4.OSXSAVE, CPUID) → #NM (CR0.TS) → #GP (CPL
/// for XSAVES/XRSTORS) → #GP (alignment) → the instruction's own checks (XRSTOR*: #PF on the header, #GP on the
/// header, #GP on MXCSR, #NM on XFD, #PF on component bytes; saves: #PF). SDM Vol.3 6.9 puts decode-time faults
/// (#UD, #NM) before execution faults (#GP, #PF).
/// </summary>
internal sealed class InstructionEngine(CpuFacts facts)
{
    public InstructionOutcome Execute(MachineState state, ArchOperation operation)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(operation);
        if (!facts.Fits(state))
            throw new ArgumentException(
                $"the machine state does not fit CPU {facts.Cpu.Id}: {string.Join("; ", state.ShapeProblems(facts.Cpu))}", nameof(state));

        return InUseLatitude.Apply(facts, Dispatch(state, operation), operation);
    }

    private InstructionOutcome Dispatch(MachineState state, ArchOperation operation)
    {
        return operation switch
        {
            XsaveFamilyOp op => XsaveFamily(state, op),
            XsetbvOp op => ControlOps.Xsetbv(facts, state, op.Ecx, op.Value.Bits),
            XgetbvOp op => ControlOps.Xgetbv(facts, state, op.Ecx),
            WrmsrOp op => ControlOps.Wrmsr(facts, state, op.Msr, op.Value.Bits),
            InitOp => ControlOps.Init(facts, state),
            ResetOp => ControlOps.Reset(facts, state),
            _ => throw new ArgumentException($"unknown operation {operation.GetType().Name}", nameof(operation)),
        };
    }

    private InstructionOutcome XsaveFamily(MachineState state, XsaveFamilyOp op)
    {
        var memory = op.Memory ?? throw new ArgumentException("the operation has no memory operand", nameof(op));
        if (CommonFault(state, op.Instruction, memory.Address) is { } fault)
            return InstructionOutcome.Faulted(fault, state, memory);

        ulong edxEax = op.EdxEax.Bits;
        ulong xcr0 = state.Xcr0.Bits;
        return op.Instruction switch
        {
            // R19, R20: RFBM = XCR0 AND EDX:EAX.
            XsaveInstruction.Xsave => StandardSave.Run(facts, state, xcr0 & edxEax, memory, xsaveopt: false),
            XsaveInstruction.Xsaveopt => StandardSave.Run(facts, state, xcr0 & edxEax, memory, xsaveopt: true),
            // R21: RFBM = XCR0 AND EDX:EAX; R22: RFBM = (XCR0 OR IA32_XSS) AND EDX:EAX.
            XsaveInstruction.Xsavec => CompactedSave.Run(facts, state, xcr0 & edxEax, memory, xsaves: false),
            XsaveInstruction.Xsaves => CompactedSave.Run(facts, state, (xcr0 | state.Xss.Bits) & edxEax, memory, xsaves: true),
            XsaveInstruction.Xrstor => Restore.Xrstor(facts, state, edxEax, memory),
            XsaveInstruction.Xrstors => Restore.Xrstors(facts, state, edxEax, memory),
            _ => throw new ArgumentException($"unknown instruction {op.Instruction}", nameof(op)),
        };
    }

    /// <summary>R18 (and R5, R22, R25): the checks every XSAVE-family instruction makes before it touches memory.</summary>
    private Fault? CommonFault(MachineState state, XsaveInstruction instruction, ulong address)
    {
        if (!state.Cr4Osxsave) return Faults.NoOsxsave;
        if (!facts.Has(XsaveVariants.Xsave)) return Faults.NoXsave;
        switch (instruction)
        {
            case XsaveInstruction.Xsaveopt when !facts.Has(XsaveVariants.Xsaveopt): return Faults.NoXsaveopt;
            case XsaveInstruction.Xsavec when !facts.Has(XsaveVariants.Xsavec): return Faults.NoXsavec;
            case XsaveInstruction.Xsaves or XsaveInstruction.Xrstors when !facts.Has(XsaveVariants.Xsaves): return Faults.NoXsaves;
        }
        if (state.Cr0Ts) return Faults.TaskSwitched;
        if (instruction is XsaveInstruction.Xsaves or XsaveInstruction.Xrstors && state.Cpl != 0) return Faults.SupervisorOnly;
        if ((address & 63) != 0) return Faults.Misaligned;
        return null;
    }
}
