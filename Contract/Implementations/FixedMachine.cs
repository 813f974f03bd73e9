namespace Xsave.Contract.Implementations;

/// <summary>
/// The machine state a real CPU running user code cannot leave (issue 14): the kernel chose XCR0, the code runs at CPL 3
/// with CR4.OSXSAVE = 1 and CR0.TS = 0, and IA32_XFD cannot be written from user mode. Generators give such an
/// implementation only states with these values; laws that need another (CPL 0, an INIT event, IA32_XFD set) are
/// skipped with the reason. Sent as "fixed_machine" in the handshake (docs/protocol.md).
/// </summary>
/// <param name="Xcr0">The live XCR0 (XGETBV(0)).</param>
/// <param name="Cpl">The privilege level the implementation runs at.</param>
/// <param name="Cr4Osxsave">CR4.OSXSAVE as the kernel set it.</param>
/// <param name="Cr0Ts">CR0.TS as the kernel keeps it.</param>
/// <param name="Xfd">IA32_XFD as it is while the implementation runs.</param>
/// <param name="MemoryGranularity">A 64-byte aligned operand's length must be a multiple of this (1: any length). A real
/// CPU's memory ends at a page boundary, so an operand that must end exactly where its bytes end (an access beyond is a
/// #PF, R18) keeps its alignment only when its length is a multiple of 64.</param>
/// <param name="InitReset">Whether INIT and RESET can be delivered (never to a CPU running user code).</param>
/// <param name="X87RegisterFieldsOnly">The CPU keeps only the register fields of the x87 image (reserved bytes, reserved
/// FCW/FSW bits and, without a pending exception, FOP/FIP/FDP are not state it holds): generated x87 contents and
/// images to restore are given in that form (docs/findings.md F1).</param>
public sealed record FixedMachine(FeatureMask Xcr0, int Cpl, bool Cr4Osxsave, bool Cr0Ts, FeatureMask Xfd, int MemoryGranularity, bool InitReset,
    bool X87RegisterFieldsOnly = false)
{
    /// <summary>Why a law needing CPL 0 (XSAVES, XRSTORS, a successful XSETBV/WRMSR) cannot run here, or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? LacksCpl0 => Cpl == 0 ? null : $"needs CPL 0; the fixed machine runs at CPL {Cpl}";

    /// <summary>Why a law needing IA32_XFD set cannot run here, or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? LacksXfd => !Xfd.IsEmpty ? null : "needs IA32_XFD set; the fixed machine cannot write it (IA32_XFD " + Xfd.ToHex() + ")";

    /// <summary>Why a law needing INIT/RESET cannot run here, or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? LacksInitReset => InitReset ? null : "needs INIT/RESET events, which a CPU running user code cannot take";
}
