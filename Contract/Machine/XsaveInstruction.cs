using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>The instructions that take an XSAVE area as memory operand (SPEC R19-R25).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<XsaveInstruction>))]
public enum XsaveInstruction
{
    Xsave,
    Xsaveopt,
    Xsavec,
    Xsaves,
    /// <summary>Standard or compacted form, chosen by XCOMP_BV[63] of the buffer (R23, R24).</summary>
    Xrstor,
    Xrstors,
}

/// <summary>The MSRs of the XSAVE feature set that WRMSR can write (SPEC R10, R11), by MSR number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ArchMsr>))]
public enum ArchMsr : uint
{
    Xfd = Linux.Uapi.Msr.Ia32Xfd,
    XfdErr = Linux.Uapi.Msr.Ia32XfdErr,
    Xss = Linux.Uapi.Msr.Ia32Xss,
}
