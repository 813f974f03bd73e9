using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>The exceptions the XSAVE instructions and their control operations raise (SPEC R8, R10, R11, R18-R27).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
public enum FaultKind
{
    /// <summary>#GP(0): general protection.</summary>
    GP,
    /// <summary>#NM: device not available (CR0.TS, or an XFD-disabled component).</summary>
    NM,
    /// <summary>#UD: invalid opcode (CR4.OSXSAVE = 0, or the CPU lacks the instruction).</summary>
    UD,
    /// <summary>#PF: the instruction touched memory outside the buffer.</summary>
    PF,
}

/// <summary>
/// An architectural fault as a value: its kind, the SPEC rule that raises it and why. Implementations are compared on
/// <see cref="Kind"/>; <see cref="Rule"/> and <see cref="Reason"/> are for people.
/// </summary>
public sealed record Fault(FaultKind Kind, string Rule, string Reason)
{
    public override string ToString() => $"#{Kind} [{Rule}] {Reason}";
}
