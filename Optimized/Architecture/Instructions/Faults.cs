using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// The faults the instructions raise. The fixed ones are shared instances (a fault path allocates nothing); the few
/// that name a value are built when raised. Implementations are compared on the kind only.
/// </summary>
internal static class Faults
{
    public static readonly Fault NoOsxsave = new(FaultKind.UD, "R18", "CR4.OSXSAVE = 0");
    public static readonly Fault NoXsave = new(FaultKind.UD, "R18", "CPUID.1:ECX.XSAVE[26] = 0");
    public static readonly Fault NoXsaveopt = new(FaultKind.UD, "R5", "CPUID.(0xD,1):EAX[0] (XSAVEOPT) = 0");
    public static readonly Fault NoXsavec = new(FaultKind.UD, "R5", "CPUID.(0xD,1):EAX[1] (XSAVEC) = 0");
    public static readonly Fault NoXsaves = new(FaultKind.UD, "R5", "CPUID.(0xD,1):EAX[3] (XSAVES/XRSTORS) = 0");
    public static readonly Fault TaskSwitched = new(FaultKind.NM, "R18", "CR0.TS = 1");
    public static readonly Fault SupervisorOnly = new(FaultKind.GP, "R22/R25", "XSAVES/XRSTORS need CPL 0");
    public static readonly Fault Misaligned = new(FaultKind.GP, "R18", "memory operand not 64-byte aligned");

    public static readonly Fault HeaderOutside = new(FaultKind.PF, "R13", "the XSAVE header lies beyond the buffer");
    public static readonly Fault SaveOutside = new(FaultKind.PF, "R14/R15", "a saved component lies beyond the buffer");
    public static readonly Fault RestoreOutside = new(FaultKind.PF, "R14/R15", "a loaded component lies beyond the buffer");

    public static readonly Fault BvNotInXcr0 = new(FaultKind.GP, "R23", "XSTATE_BV has a bit clear in XCR0");
    public static readonly Fault StandardHeaderBytes = new(FaultKind.GP, "R23", "header bytes 8..23 are not zero");
    public static readonly Fault CompactedWithoutXsavec = new(FaultKind.GP, "R24", "compacted XRSTOR without XSAVEC");
    public static readonly Fault FormatNotEnabled = new(FaultKind.GP, "R24/R25", "XCOMP_BV[62:0] has a bit that is not enabled");
    public static readonly Fault BvOutsideFormat = new(FaultKind.GP, "R24/R25", "XSTATE_BV is not a subset of XCOMP_BV[62:0]");
    public static readonly Fault CompactedHeaderBytes = new(FaultKind.GP, "R24/R25", "header bytes 16..63 are not zero");
    public static readonly Fault XrstorsStandardForm = new(FaultKind.GP, "R25", "XRSTORS with XCOMP_BV[63] = 0");
    public static readonly Fault MxcsrReserved = new(FaultKind.GP, "R23/R24", "MXCSR sets bits outside MXCSR_MASK");

    public static readonly Fault XsetbvCpl = new(FaultKind.GP, "R8", "XSETBV needs CPL 0");
    public static readonly Fault XsetbvEcx = new(FaultKind.GP, "R8", "XSETBV to an XCR other than XCR0");
    public static readonly Fault Xcr0Invalid = new(FaultKind.GP, "R8/R9", "value is not a valid XCR0");
    public static readonly Fault XgetbvEcx = new(FaultKind.GP, "R17", "XGETBV of an XCR that does not exist");
    public static readonly Fault WrmsrCpl = new(FaultKind.GP, "R10/R11", "WRMSR needs CPL 0");
    public static readonly Fault MsrAbsent = new(FaultKind.GP, "R5", "the MSR does not exist on this CPU");
    public static readonly Fault XssReserved = new(FaultKind.GP, "R10", "IA32_XSS bit not supported");
    public static readonly Fault XfdNotCapable = new(FaultKind.GP, "R11", "IA32_XFD bit not XFD-capable");

    /// <summary>R27: loading XFD-disabled components.</summary>
    public static Fault XfdDisabled(ulong components) => new(FaultKind.NM, "R27", $"XFD disables components 0x{components:x}");
}
