using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>RESET / power-up (SPEC R28). Never faults.</summary>
public static class ResetSemantics
{
    public static InstructionOutcome Execute(MachineState state)
    {
        // R28: every component in its init configuration (R17), none in use.
        var next = state;
        foreach (int i in state.Components.Keys)
            next = next.WithRawComponent(i, InitConfiguration.Image(i, state.Component(i).Length));

        // R28: XCR0 = 1 (x87 only), IA32_XSS = 0. IA32_XFD = 0 (architectural reset, SPEC H14); IA32_XFD_ERR = 0 as well
        // (UNVERIFIED; KVM starts a vCPU with both zero).
        // FCW: the x87 init image above has FCW = 0x037F, as KVM's fresh vCPU shows (KO §3c). Hardware power-up leaves
        // FCW = 0x0040 (R28, UNVERIFIED table value): not modelled. MXCSR = 0x1F80 (KO §3c).
        // CR0 after RESET = 0x60000010 (TS = 0), CR4 = 0 (OSXSAVE = 0), real mode (CPL 0) (KO §3c; SDM Vol.3 9.1).
        next = next with
        {
            Xcr0 = FeatureMask.Of(XFeature.Fp),
            Xss = FeatureMask.None,
            Xfd = FeatureMask.None,
            XfdErr = FeatureMask.None,
            XinUse = FeatureMask.None,
            Mxcsr = LegacyRegion.InitMxcsr,
            Cr4Osxsave = false,
            Cr0Ts = false,
            Cpl = 0,
            LastRestore = null, // R20a: no XRSTOR since RESET, nothing the modified optimization may skip
        };
        return InstructionOutcome.Success(next);
    }
}
