using System.Text;
using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// The input of most instruction laws: one operation on one machine state of one CPU. <see cref="Buffer"/> records how
/// the memory operand of an XSAVE-family operation was made, for shrinking; it is not stored with a counterexample
/// (the operation carries the bytes themselves) and is null for a decoded case.
/// </summary>
public sealed record InstructionCase(CpuCase Cpu, MachineState State, ArchOperation Operation)
{
    public BufferSpec? Buffer { get; init; }

    public override string ToString() =>
        $"{Cpu}; {MachineText.Describe(State)}; {MachineText.Describe(Operation)}" + (Buffer is { } b ? $"; memory: {b}" : "");
}

/// <summary>
/// The input of the round-trip laws: <see cref="Source"/> is saved with <see cref="Mask"/> into a zeroed area, and the
/// area is restored with the same mask onto <see cref="Target"/> (same XCR0 and IA32_XSS, other register contents).
/// </summary>
public sealed record RoundTripCase(CpuCase Cpu, MachineState Source, MachineState Target, FeatureMask Mask)
{
    public override string ToString() =>
        $"{Cpu}; mask={Mask.ToHex()}; source [{MachineText.Describe(Source)}]; target [{MachineText.Describe(Target)}]";
}

/// <summary>Short, readable descriptions of states and operations for counterexamples.</summary>
public static class MachineText
{
    /// <summary>Registers, then each component out of its init configuration: how many bytes differ and where first.</summary>
    public static string Describe(MachineState s)
    {
        var text = new StringBuilder();
        text.Append($"XCR0={s.Xcr0} XSS={s.Xss} XFD={s.Xfd} XFD_ERR={s.XfdErr} XINUSE={s.XinUse} CPL={s.Cpl} ");
        text.Append($"OSXSAVE={(s.Cr4Osxsave ? 1 : 0)} TS={(s.Cr0Ts ? 1 : 0)} MXCSR=0x{s.Mxcsr:x}");
        var changed = new List<string>();
        foreach (var (i, bytes) in s.Components)
        {
            var init = MachineState.InitImage(i, bytes.Length);
            int first = -1, count = 0;
            for (int k = 0; k < init.Length; k++)
            {
                if (bytes[k] == init[k]) continue;
                if (first < 0) first = k;
                count++;
            }
            if (count > 0) changed.Add($"{ComponentCatalogue.ShortName(i)}:{count}B@{first}");
        }
        text.Append(changed.Count == 0 ? " all-init" : $" non-init=[{string.Join(",", changed)}]");
        return text.ToString();
    }

    public static string Describe(ArchOperation op) => op switch
    {
        XsaveFamilyOp x => $"{x.Instruction.ToString().ToUpperInvariant()} EDX:EAX={x.EdxEax.ToHex()} on {Describe(x.Memory)}",
        XsetbvOp x => $"XSETBV ECX={x.Ecx} {x.Value.ToHex()}",
        XgetbvOp x => $"XGETBV ECX={x.Ecx}",
        WrmsrOp x => $"WRMSR {x.Msr} {x.Value.ToHex()}",
        InitOp => "INIT",
        ResetOp => "RESET",
        _ => op.GetType().Name,
    };

    /// <summary>Length, address and (when present) the header words.</summary>
    public static string Describe(XsaveBuffer b)
    {
        var s = $"{b.Length} B @0x{b.Address:x}";
        if (b.Covers(new ByteRange(XFeatures.HeaderOffset, XFeatures.HeaderSize)))
        {
            s += $" XSTATE_BV={b.ReadXstateBv()} XCOMP_BV={b.ReadXcompBv()}";
            if (b.Span(XFeatures.HeaderOffset + 16, 48).ContainsAnyExcept((byte)0)) s += " reserved≠0";
            s += $" MXCSR=0x{b.ReadUInt32(24):x}";
        }
        return s;
    }
}
