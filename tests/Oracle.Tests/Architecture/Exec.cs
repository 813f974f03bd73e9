namespace Xsave.Oracle.Tests.Architecture;

/// <summary>Short ways to run one operation through the oracle's single entry point, and test data builders.</summary>
internal static class Exec
{
    public static InstructionOutcome Run(CpuModel cpu, MachineState state, ArchOperation op) =>
        ArchitectureOracle.Instance.Execute(cpu, state, op);

    public static InstructionOutcome RunXsave(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xsave, new FeatureMask(rfbm), b));

    public static InstructionOutcome RunXsaveopt(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xsaveopt, new FeatureMask(rfbm), b));

    public static InstructionOutcome RunXsavec(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xsavec, new FeatureMask(rfbm), b));

    public static InstructionOutcome RunXsaves(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xsaves, new FeatureMask(rfbm), b));

    public static InstructionOutcome RunXrstor(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xrstor, new FeatureMask(rfbm), b));

    public static InstructionOutcome RunXrstors(CpuModel cpu, MachineState s, ulong rfbm, XsaveBuffer b) =>
        Run(cpu, s, new XsaveFamilyOp(XsaveInstruction.Xrstors, new FeatureMask(rfbm), b));
}
