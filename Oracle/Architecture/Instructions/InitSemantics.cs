using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Oracle.Architecture;

/// <summary>The INIT event (SPEC R29). Never faults.</summary>
public static class InitSemantics
{
    /// <summary>R29: MPX BND0-3/BNDCFGU/BNDSTATUS and CET SSP/PL0-3_SSP/U_CET/S_CET become 0.</summary>
    public static readonly FeatureMask ClearedByInit = ArchMasks.Mpx | ArchMasks.Cet;

    public static InstructionOutcome Execute(MachineState state)
    {
        // R29: MPX (3, 4) and CET (11, 12) components go to their init configuration (all zeros, R17) and are no
        // longer in use.
        var next = state;
        foreach (int i in ClearedByInit.Indices().Where(state.HasComponent))
            next = next.WithRawComponent(i, InitConfiguration.Image(i, state.Component(i).Length));
        next = next with { XinUse = next.XinUse.Except(ClearedByInit) };

        // R29: x87, SSE (XMM, MXCSR), AVX, AVX-512 and APX are unchanged; AMX unchanged (UNVERIFIED, as KVM); XCR0,
        // IA32_XSS, PKRU unchanged (UNVERIFIED, as KVM; KO §4c: XCR0 and every register kept). IA32_XFD/XFD_ERR
        // unchanged (KVM; SPEC I19).
        // SDM Vol.3 9.1 / KO §4c: INIT sets CR0 = 0x10 (TS = 0) and CR4 = 0 (OSXSAVE = 0) and enters real mode (CPL 0).
        // Modelling choice (R20a): INIT ends the modified-optimization tracking, as a VM entry/exit would.
        return InstructionOutcome.Success(next with { Cr4Osxsave = false, Cr0Ts = false, Cpl = 0, LastRestore = null });
    }
}
