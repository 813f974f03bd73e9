using System.Collections.Immutable;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// A seeded random walk of instructions on one CPU (SPEC R17-R29): XSETBV/XGETBV/WRMSR with valid and invalid values,
/// saves into the last buffer (same address: the XSAVEOPT/XSAVES modified optimization, R20a) or fresh ones (short,
/// misaligned), restores of the last buffer with corrupted headers or cut short, register writes, CPL/CR0.TS/CR4.OSXSAVE flips,
/// INIT and RESET. Each step asks both implementations; the walk goes on from the oracle's state and memory.
/// </summary>
internal sealed class InstructionWalk(CpuModel cpu, int seed)
{
    private readonly Random _r = new(seed);
    private readonly ulong _xcr0 = cpu.SupportedXcr0.Bits, _xss = cpu.SupportedXss.Bits;
    private readonly ulong _xfdCapable = Enumerable.Range(2, 61).Where(cpu.IsXfdCapable).Aggregate(0UL, (m, i) => m | (1UL << i));
    private readonly int[] _held = cpu.SupportedAll.Indices().Where(i => i < 2 || cpu.ComponentSize(i) > 0).ToArray();
    private MachineState _state = MachineState.Init(cpu) with { Xcr0 = cpu.SupportedXcr0 };
    private XsaveBuffer? _last;

    /// <summary>What the walk reached, by label ("ok Xsaveopt", "#GP XsetbvOp", "tracked Xsaveopt"): shows it is not vacuous.</summary>
    public HashSet<string> Reached { get; } = [];

    /// <summary>The first step where the optimized outcome differs from the oracle's, described; null when none does.</summary>
    public string? Run(int steps, ICpuArchitecture subject, ICpuArchitecture reference)
    {
        for (int step = 0; step < steps; step++)
        {
            var op = Next();
            if (op is null) continue; // a register write or a control flip: the state changed, nothing to execute
            var want = reference.Execute(_state, op);
            var mine = subject.Execute(_state, op);
            if (Mismatch(want, mine) is { } why) return $"{cpu.Id} seed {seed} step {step}: {op} on {_state}: {why}";
            Record(op, want);
            _state = want.State;
            if (want.Buffer is { } b && op is XsaveFamilyOp) _last = b;
        }
        return null;
    }

    private void Record(ArchOperation op, InstructionOutcome want)
    {
        string name = op is XsaveFamilyOp f ? f.Instruction.ToString() : op is XgetbvOp g ? $"XgetbvOp({g.Ecx})" : op is WrmsrOp w ? $"WrmsrOp({w.Msr})" : op.GetType().Name;
        Reached.Add((want.Fault is { } fault ? "#" + fault.Kind : "ok") + " " + name);
        if (op is XsaveFamilyOp { Instruction: XsaveInstruction.Xsaveopt or XsaveInstruction.Xsaves } s && want.Fault is null
            && _state.LastRestore is { } t && t.Address == s.Memory.Address)
            Reached.Add("tracked " + name);
    }

    /// <summary>
    /// The outcomes differ (InstructionOutcome.Differences, outside what the oracle leaves open), or the latitude
    /// differs: the unspecified bytes, components, XSTATE_BV bits, XINUSE bits and returned bits are part of the answer
    /// (R17, R20a, R27), so the optimized sets must equal the oracle's, neither wider nor narrower.
    /// </summary>
    private static string? Mismatch(InstructionOutcome want, InstructionOutcome mine)
    {
        var diffs = want.Differences(mine);
        if (diffs.Count > 0) return "oracle != optimized: " + string.Join("; ", diffs.Take(4));
        if (want.UnspecifiedComponents != mine.UnspecifiedComponents)
            return $"unspecified components: oracle {want.UnspecifiedComponents}, optimized {mine.UnspecifiedComponents}";
        if (want.UnspecifiedXstateBv != mine.UnspecifiedXstateBv)
            return $"unspecified XSTATE_BV bits: oracle {want.UnspecifiedXstateBv}, optimized {mine.UnspecifiedXstateBv}";
        if (want.UnspecifiedXinUse != mine.UnspecifiedXinUse)
            return $"unspecified XINUSE bits: oracle {want.UnspecifiedXinUse}, optimized {mine.UnspecifiedXinUse}";
        if (want.UnspecifiedReturnedBits != mine.UnspecifiedReturnedBits)
            return $"unspecified returned bits: oracle {want.UnspecifiedReturnedBits}, optimized {mine.UnspecifiedReturnedBits}";
        var (a, b) = (Bytes(want.UnspecifiedBytes), Bytes(mine.UnspecifiedBytes));
        if (!a.SetEquals(b))
            return $"unspecified bytes: oracle-only {Describe(a.Except(b))}, optimized-only {Describe(b.Except(a))}";
        return null;
    }

    private static HashSet<int> Bytes(IEnumerable<ByteRange> ranges) =>
        ranges.SelectMany(r => Enumerable.Range(r.Offset, r.Length)).ToHashSet();

    private static string Describe(IEnumerable<int> bytes) => string.Join(',', bytes.Order().Take(8)) is { Length: > 0 } s ? s : "none";

    private ArchOperation? Next()
    {
        switch (_r.Next(16))
        {
            case 0: return new XsetbvOp(_r.Next(8) == 0 ? 1u : 0u, new(Pick(_xcr0)));
            case 1: return new XgetbvOp((uint)_r.Next(3));
            case 2:
                var msr = _r.Next(4) switch { 0 => ArchMsr.Xss, 1 => ArchMsr.Xfd, 2 => ArchMsr.XfdErr, _ => (ArchMsr)0xDA0 };
                return new WrmsrOp(msr, new(Pick(msr == ArchMsr.Xss ? _xss : _xfdCapable)));
            case 3 or 4 or 5 or 6:
                var save = (XsaveInstruction)(new[] { XsaveInstruction.Xsave, XsaveInstruction.Xsaveopt, XsaveInstruction.Xsavec, XsaveInstruction.Xsaves })[_r.Next(4)];
                return new XsaveFamilyOp(save, new(RequestedFeatures()), SaveTarget());
            case 7 or 8:
                var restore = _r.Next(2) == 0 ? XsaveInstruction.Xrstor : XsaveInstruction.Xrstors;
                return new XsaveFamilyOp(restore, new(RequestedFeatures()), RestoreSource());
            case 9 or 10 or 11: WriteRegisters(); return null;
            case 12: FlipControl(); return null;
            case 13: return _r.Next(2) == 0 ? new InitOp() : new ResetOp();
            default:
                // Most steps run with the instructions enabled, at CPL 0, so the walk gets past the common faults.
                _state = _state with { Cr4Osxsave = true, Cr0Ts = false, Cpl = 0 };
                return _r.Next(2) == 0 ? new XsetbvOp(0, new(_xcr0)) : new WrmsrOp(ArchMsr.Xss, new(_xss));
        }
    }

    /// <summary>Mostly a subset of the supported bits (with x87/SSE), sometimes any value.</summary>
    private ulong Pick(ulong supported) => _r.Next(6) switch
    {
        0 => (ulong)_r.NextInt64() | ((ulong)_r.Next(2) << 63),
        1 => supported,
        2 => 0,
        _ => (supported & (ulong)_r.NextInt64()) | (supported & 3),
    };

    private ulong RequestedFeatures() => _r.Next(3) == 0 ? (ulong)_r.NextInt64() | ((ulong)_r.Next(2) << 63) : ~0UL;

    private XsaveBuffer SaveTarget()
    {
        if (_last is not null && _r.Next(2) == 0) return _last;
        int full = Math.Max((int)cpu.MaxStandardSize, 576 + Enumerable.Range(2, 61).Sum(i => ((_xcr0 | _xss) >> i & 1) != 0 ? cpu.ComponentSize(i) + 64 : 0));
        int length = _r.Next(5) switch { 0 => 512, 1 => 576, 2 => _r.Next(512, full), _ => full };
        ulong address = XsaveBuffer.DefaultAddress + (_r.Next(10) == 0 ? (ulong)_r.Next(1, 64) : (ulong)_r.Next(4) * 4096);
        return _r.Next(2) == 0 ? XsaveBuffer.Zeroed(length, address) : XsaveBuffer.Filled(length, 0xCC, address);
    }

    private XsaveBuffer RestoreSource()
    {
        var source = _last ?? XsaveBuffer.Zeroed(4096);
        if (_r.Next(3) != 0 || source.Length < 576) return source; // a short buffer: XRSTOR #PFs on its header as it is
        if (_r.Next(4) == 0) // truncated: the header fits, a loaded component may not (#PF on component bytes)
            return new XsaveBuffer([.. source.Bytes.AsSpan(0, _r.Next(576, source.Length + 1))], source.Address);
        var bytes = source.Bytes.ToArray();
        switch (_r.Next(5))
        {
            case 0: bytes[512 + _r.Next(16)] ^= (byte)(1 << _r.Next(8)); break;                 // XSTATE_BV / XCOMP_BV bit
            case 1: bytes[528 + _r.Next(48)] = (byte)_r.Next(1, 256); break;                     // reserved header bytes
            case 2: BitConverter.TryWriteBytes(bytes.AsSpan(24), (uint)_r.NextInt64()); break; // MXCSR
            case 3: bytes[519] ^= 0x80; break;                                                   // XSTATE_BV[63]
            default: bytes[527] ^= 0x80; break;                                                  // XCOMP_BV[63]: the form
        }
        return new XsaveBuffer([.. bytes], source.Address);
    }

    /// <summary>A register write: random bytes in one held component (in use), or its init image with XINUSE set.</summary>
    private void WriteRegisters()
    {
        int i = _held[_r.Next(_held.Length)];
        var bytes = _state.Components[i].ToArray();
        if (_r.Next(4) == 0) bytes = MachineState.InitImage(i, bytes.Length);
        else _r.NextBytes(bytes.AsSpan(0, Math.Min(bytes.Length, _r.Next(1, 65))));
        if (i == 0) bytes.AsSpan(24, 8).Clear(); // MXCSR/MXCSR_MASK belong to SSE (R12)
        _state = _state with
        {
            Components = _state.Components.SetItem(i, ImmutableArray.Create(bytes)),
            XinUse = new(_state.XinUse.Bits | (1UL << i)),
            Mxcsr = _r.Next(4) == 0 ? (uint)_r.Next(0x10000) & cpu.MxcsrMask : _state.Mxcsr,
        };
    }

    private void FlipControl()
    {
        _state = _r.Next(3) switch
        {
            0 => _state with { Cpl = _r.Next(2) * 3 },
            1 => _state with { Cr0Ts = !_state.Cr0Ts },
            _ => _state with { Cr4Osxsave = !_state.Cr4Osxsave },
        };
    }
}
