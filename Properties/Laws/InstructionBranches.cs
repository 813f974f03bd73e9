using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>The branch names the instruction laws declare (issue 16), and how a case of the general differential law is
/// classified: by the kind of operation and, for the XSAVE family, by whether the oracle completed it.</summary>
internal static class InstructionBranches
{
    public const string SaveCompleted = "save completed", SaveFaulted = "save faulted",
        RestoreCompleted = "restore completed", RestoreFaulted = "restore faulted",
        RegisterAccess = "XSETBV, XGETBV or WRMSR", InitOrReset = "INIT or RESET";

    public const string Restored = "restored", Faulted = "faulted";
    public const string BitsOutsideRfbm = "XSTATE_BV bits outside RFBM in memory";
    public const string WholeState = "RFBM = every enabled component", PartialRfbm = "components outside RFBM",
        SupervisorInRfbm = "supervisor component in RFBM";
    public const string Initialised = "RFBM component with XSTATE_BV clear initialised", OutsideRfbmKept = "component outside RFBM kept",
        CompactedImage = "compacted image", StandardImage = "standard image";
    public const string MpxAtInit = "MPX components at INIT", CetAtInit = "CET components at INIT";
    public const string Xcr0BeforeReset = "XCR0 beyond x87 before RESET";

    /// <summary>Every kind of operation the law draws, and both answers of the XSAVE family — but a completed restore:
    /// of arbitrary areas about 3% complete (some runs meet none), and the restore laws of valid images
    /// (instructions.xrstor.one-defect.differential, init-semantics, the round trips) complete one on purpose.</summary>
    public static LawCoverage AnyOperation { get; } =
        new([SaveCompleted, SaveFaulted, RestoreFaulted, RegisterAccess, InitOrReset], MaxVacuousShare: 0);

    public static string OfAny(InstructionCase x, InstructionOutcome want) => x.Operation switch
    {
        XsaveFamilyOp { Instruction: XsaveInstruction.Xrstor or XsaveInstruction.Xrstors } => want.Succeeded ? RestoreCompleted : RestoreFaulted,
        XsaveFamilyOp => want.Succeeded ? SaveCompleted : SaveFaulted,
        InitOp or ResetOp => InitOrReset,
        _ => RegisterAccess,
    };
}
