using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>
/// What one <see cref="ArchOperation"/> did: the fault it raised (or none), the machine state and memory after it, the
/// value it returned (XGETBV), and what the architecture leaves unspecified so that comparisons can skip it.
/// </summary>
public sealed record InstructionOutcome
{
    /// <summary>The fault raised, or null when the operation completed.</summary>
    public Fault? Fault { get; init; }

    [JsonIgnore] public bool Succeeded => Fault is null;

    /// <summary>The machine state after the operation (after a fault: as the fault leaves it, e.g. XFD_ERR set).</summary>
    public required MachineState State { get; init; }

    /// <summary>The memory operand after the operation; null for operations without one.</summary>
    public XsaveBuffer? Buffer { get; init; }

    /// <summary>EDX:EAX returned by XGETBV; null otherwise.</summary>
    public ulong? ReturnedValue { get; init; }

    /// <summary>
    /// Bytes of <see cref="Buffer"/> whose content the architecture does not define after this operation (e.g. components
    /// XSAVEOPT may skip, R20). Ascending, may touch but not overlap.
    /// </summary>
    public ImmutableArray<ByteRange> UnspecifiedBytes { get; init; } = [];

    /// <summary>
    /// XSTATE_BV bits of <see cref="Buffer"/> the architecture lets a CPU write either way (R20a: a component in its init
    /// configuration may have XINUSE 0 or 1). The other bits of the word, and every other header byte, stay defined.
    /// </summary>
    public FeatureMask UnspecifiedXstateBv { get; init; }

    /// <summary>
    /// Components whose register contents (and XINUSE bit) the architecture does not define after this operation, e.g.
    /// a component XSETBV just disabled or WRMSR(IA32_XFD) just disabled (R27 "may revert to init").
    /// </summary>
    public FeatureMask UnspecifiedComponents { get; init; }

    /// <summary>
    /// XINUSE bits of <see cref="State"/> the architecture lets a CPU report either way (R17, R20a: a component in its init
    /// configuration may have XINUSE 0 or 1; KO §1c: the CPUs we measured track values, XRSTOR of zeros leaves it 0).
    /// The component's bytes stay defined.
    /// </summary>
    public FeatureMask UnspecifiedXinUse { get; init; }

    /// <summary>Bits of <see cref="ReturnedValue"/> a CPU may return either way: XGETBV(1)'s XINUSE bits of components in
    /// their init configuration (R17, R20a).</summary>
    public FeatureMask UnspecifiedReturnedBits { get; init; }

    public static InstructionOutcome Success(MachineState state, XsaveBuffer? buffer = null) =>
        new() { State = state, Buffer = buffer };

    public static InstructionOutcome Faulted(Fault fault, MachineState state, XsaveBuffer? buffer = null) =>
        new() { Fault = fault, State = state, Buffer = buffer };

    /// <summary>
    /// How <paramref name="other"/> disagrees with this outcome, the reference: nothing inside this outcome's unspecified
    /// bytes, XSTATE_BV bits and components is reported, everything outside them is (R20a: a subject cannot widen the set
    /// by marking more unspecified itself). XINUSE bits and returned bits the reference leaves open are skipped too. Faults are compared by kind only; rule and reason are for people.
    /// </summary>
    public IReadOnlyList<StateDifference> Differences(InstructionOutcome other)
    {
        var diffs = new List<StateDifference>();
        if (Fault?.Kind != other.Fault?.Kind)
            diffs.Add(new("fault", Fault?.ToString() ?? "none", other.Fault?.ToString() ?? "none"));
        if (ReturnedValue is null != other.ReturnedValue is null ||
            (ReturnedValue & ~UnspecifiedReturnedBits.Bits) != (other.ReturnedValue & ~UnspecifiedReturnedBits.Bits))
            diffs.Add(new("returned EDX:EAX", Hex(ReturnedValue), Hex(other.ReturnedValue)));

        diffs.AddRange(State.Differences(other.State, UnspecifiedComponents, UnspecifiedXinUse));

        if (Buffer is null || other.Buffer is null)
        {
            if (Buffer is not null || other.Buffer is not null)
                diffs.Add(new("buffer", Buffer?.ToString() ?? "none", other.Buffer?.ToString() ?? "none"));
            return diffs;
        }
        if (Buffer.Address != other.Buffer.Address || Buffer.Length != other.Buffer.Length)
            diffs.Add(new("buffer", Buffer.ToString(), other.Buffer.ToString()));

        var a = Masked(Buffer, UnspecifiedBytes, UnspecifiedXstateBv);
        var b = Masked(other.Buffer, UnspecifiedBytes, UnspecifiedXstateBv);
        diffs.AddRange(ByteRange.Describe("buffer", a, b, ByteRange.Differing(a, b)));
        return diffs;
    }

    public bool Equals(InstructionOutcome? other) =>
        other is not null && Equals(Fault, other.Fault) && State.Equals(other.State) && Equals(Buffer, other.Buffer) &&
        ReturnedValue == other.ReturnedValue && UnspecifiedBytes.SequenceEqual(other.UnspecifiedBytes) &&
        UnspecifiedComponents == other.UnspecifiedComponents && UnspecifiedXstateBv == other.UnspecifiedXstateBv &&
        UnspecifiedXinUse == other.UnspecifiedXinUse && UnspecifiedReturnedBits == other.UnspecifiedReturnedBits;

    public override int GetHashCode() =>
        HashCode.Combine(Fault, State, Buffer, ReturnedValue, UnspecifiedComponents, UnspecifiedXstateBv);

    public override string ToString() =>
        (Fault is null ? "ok" : Fault.ToString()) + $"; {State}" + (ReturnedValue is { } v ? $"; returned 0x{v:x}" : "");

    private static string Hex(ulong? value) => value is { } v ? $"0x{v:x}" : "none";

    /// <summary>
    /// The buffer's bytes with every unspecified byte and unspecified XSTATE_BV bit set to zero, so both sides compare
    /// equal there.
    /// </summary>
    private static byte[] Masked(XsaveBuffer buffer, IEnumerable<ByteRange> unspecified, FeatureMask unspecifiedBv)
    {
        var bytes = buffer.Bytes.ToArray();
        foreach (var r in unspecified)
            for (int i = Math.Max(0, r.Offset); i < Math.Min(r.End, bytes.Length); i++)
                bytes[i] = 0;
        for (int k = 0; k < 8 && XsaveBuffer.XstateBvOffset + k < bytes.Length; k++)
            bytes[XsaveBuffer.XstateBvOffset + k] &= (byte)~(unspecifiedBv.Bits >> (8 * k));
        return bytes;
    }
}
