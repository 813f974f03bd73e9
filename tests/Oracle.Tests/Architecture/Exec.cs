using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Oracle.Architecture;

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

    /// <summary><paramref name="length"/> bytes all equal to <paramref name="value"/>.</summary>
    public static byte[] Fill(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    /// <summary>Component bytes where byte k = (seed + k) mod 251, never all zero: a recognisable non-init value.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int k = 0; k < length; k++) bytes[k] = (byte)((seed + k) % 251 + 1);
        return bytes;
    }

    /// <summary>An x87 image with a pattern everywhere except the MXCSR hole at 24..31, which must stay zero.</summary>
    public static byte[] X87Pattern(int seed)
    {
        var bytes = Pattern(MachineState.X87ImageSize, seed);
        Array.Clear(bytes, 24, 8);
        return bytes;
    }

    /// <summary>True when bytes [from, to) of the buffer all equal <paramref name="value"/>.</summary>
    public static bool AllEqual(XsaveBuffer b, int from, int to, byte value) =>
        !b.Span(from, to - from).ContainsAnyExcept(value);

    public static Fault FaultOf(InstructionOutcome outcome) =>
        outcome.Fault ?? throw new Xunit.Sdk.XunitException($"expected a fault, the operation succeeded: {outcome}");

    public static InstructionOutcome Ok(InstructionOutcome outcome) =>
        outcome.Fault is null ? outcome : throw new Xunit.Sdk.XunitException($"expected success, got {outcome.Fault}");
}
