using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// The oracle's answer as a comparison with a CPU may use it (docs/findings.md F5): the oracle writes a saved component
/// whole, but the SDM defines only the register bytes of PKRU and BNDCSR (13.5.4, 13.5.7) and of the x87 ST slots, and
/// says nothing of what XSAVE writes to the rest (<see cref="RegisterFields"/>); on a fixed machine those bytes of a save
/// are left open, as the oracle's own unspecified bytes are. The oracle itself is unchanged.
/// </summary>
internal static class RegisterFieldLatitude
{
    public static InstructionOutcome Want(PropertyContext ctx, InstructionCase x)
    {
        var want = InstructionLaws.Run(ctx.Reference, x);
        return ctx.FixedMachine is null ? want : RegisterFields.WithOpenBytes(x.Cpu.Cpu, x.State, x.Operation, want);
    }
}
