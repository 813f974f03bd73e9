using System.Collections.Immutable;
using System.Text;

namespace Xsave.Contract.Machine;

/// <summary>
/// The architectural state the XSAVE feature set reads and writes (SPEC R8-R11, R17-R29), held explicitly so that
/// the oracle, an optimized model and a real-CPU adapter can exchange and compare it.
/// <para>
/// Register contents by component: x87 (0) as the 160-byte legacy image bytes 0..159, in which bytes 24..31
/// (MXCSR/MXCSR_MASK, which belong to SSE) are always zero; SSE (1) as the 256 bytes of XMM0-15 (MXCSR is
/// <see cref="Mxcsr"/>); every other component i the CPU enumerates as CPUID.(0xD,i).EAX bytes in the component's
/// XSAVE layout. A component whose <see cref="XinUse"/> bit is clear is in its init configuration (R17).
/// </para>
/// Immutable: every operation returns a new state. Equality is structural (<see cref="Differences"/> lists it).
/// </summary>
public sealed record MachineState
{
    public const int X87ImageSize = 160;
    public const int SseImageSize = 256;
    /// <summary>x87 init configuration: FCW = 0x037F, every other byte zero (R17).</summary>
    public const ushort InitFcw = 0x037F;
    /// <summary>SSE init configuration: MXCSR = 0x1F80, XMM zero (R17).</summary>
    public const uint InitMxcsr = 0x1F80;
    /// <summary>Bytes 24..31 of the legacy region hold MXCSR and MXCSR_MASK: SSE state, not x87 (R12).</summary>
    public static readonly ByteRange X87MxcsrHole = ByteRange.FromTo(24, 32);

    public FeatureMask Xcr0 { get; init; }
    public FeatureMask Xss { get; init; }
    public FeatureMask Xfd { get; init; }
    public FeatureMask XfdErr { get; init; }
    /// <summary>The XINUSE tracker (R17): bit i set = component i may not be in its init configuration.</summary>
    public FeatureMask XinUse { get; init; }
    /// <summary>Current privilege level, 0..3.</summary>
    public int Cpl { get; init; }
    public bool Cr4Osxsave { get; init; }
    public bool Cr0Ts { get; init; }
    public uint Mxcsr { get; init; }

    /// <summary>
    /// The modified-optimization tracking of the last XRSTOR/XRSTORS (R20a), or null when there is none. Bookkeeping of
    /// what a later XSAVEOPT/XSAVES may skip, not state software can read back: never compared (see <see cref="Differences"/>).
    /// </summary>
    public RestoreTracking? LastRestore { get; init; }

    /// <summary>Register contents by component number (see the type's summary for the shape of each).</summary>
    public ImmutableSortedDictionary<int, ImmutableArray<byte>> Components { get; init; } =
        ImmutableSortedDictionary<int, ImmutableArray<byte>>.Empty;

    /// <summary>
    /// A state with every component the CPU enumerates in its init configuration (R17) and XCR0 = 1, XSS = 0, XFD = 0,
    /// XFD_ERR = 0, XINUSE = 0, CPL 0, CR4.OSXSAVE = 1, CR0.TS = 0, MXCSR = 0x1F80. A convenient starting point for
    /// tests, not the RESET state (after RESET CR4.OSXSAVE = 0).
    /// </summary>
    public static MachineState Init(CpuModel cpu)
    {
        var components = ImmutableSortedDictionary.CreateBuilder<int, ImmutableArray<byte>>();
        components[0] = ImmutableArray.Create(InitImage(0, X87ImageSize));
        components[1] = ImmutableArray.Create(InitImage(1, SseImageSize));
        foreach (int i in cpu.SupportedAll.Indices().Where(i => i >= 2 && cpu.ComponentSize(i) > 0))
            components[i] = ImmutableArray.Create(InitImage(i, cpu.ComponentSize(i)));

        return new MachineState
        {
            Xcr0 = FeatureMask.Of(XFeature.Fp),
            Cr4Osxsave = true,
            Mxcsr = InitMxcsr,
            Components = components.ToImmutable(),
        };
    }

    /// <summary>The init configuration of component <paramref name="index"/> (R17): zeros, except FCW = 0x037F for x87.</summary>
    public static byte[] InitImage(int index, int size)
    {
        var bytes = new byte[size];
        if (index == 0)
        {
            bytes[0] = InitFcw & 0xFF;
            bytes[1] = InitFcw >> 8;
        }
        return bytes;
    }

    public bool HasComponent(int index) => Components.ContainsKey(index);

    public ImmutableArray<byte> Component(int index) =>
        Components.TryGetValue(index, out var bytes)
            ? bytes
            : throw new ArgumentException($"the state holds no component {index} ({ComponentCatalogue.ShortName(index)})", nameof(index));

    public ImmutableArray<byte> Component(XFeature feature) => Component((int)feature);

    /// <summary>Sets a component's register contents as a program writing those registers would: XINUSE[i] becomes 1.</summary>
    public MachineState WithComponent(int index, ReadOnlySpan<byte> bytes) =>
        WithRawComponent(index, bytes) with { XinUse = XinUse.With(index), LastRestore = LastRestore?.Modified(FeatureMask.Bit(index)) };

    public MachineState WithComponent(XFeature feature, ReadOnlySpan<byte> bytes) => WithComponent((int)feature, bytes);

    /// <summary>Puts a component in its init configuration: init bytes and XINUSE[i] = 0.</summary>
    public MachineState WithComponentInit(int index) =>
        WithRawComponent(index, InitImage(index, Component(index).Length)) with
        {
            XinUse = XinUse.Without(index), LastRestore = LastRestore?.Modified(FeatureMask.Bit(index)),
        };

    public MachineState WithComponentInit(XFeature feature) => WithComponentInit((int)feature);

    /// <summary>Replaces a component's bytes and leaves XINUSE alone (for implementations that track XINUSE themselves).</summary>
    public MachineState WithRawComponent(int index, ReadOnlySpan<byte> bytes)
    {
        var current = Component(index);
        if (bytes.Length != current.Length)
            throw new ArgumentException($"component {index} holds {current.Length} bytes, not {bytes.Length}", nameof(bytes));
        if (index == 0 && bytes[X87MxcsrHole.Offset..X87MxcsrHole.End].ContainsAnyExcept((byte)0))
            throw new ArgumentException("x87 image bytes 24..31 are MXCSR/MXCSR_MASK (SSE state) and must stay zero", nameof(bytes));
        return this with { Components = Components.SetItem(index, ImmutableArray.Create(bytes.ToArray())) };
    }

    /// <summary>
    /// Why this state cannot be a state of <paramref name="cpu"/> (empty when it can): components missing, extra or of
    /// the wrong size, a non-zero x87 MXCSR hole, CPL outside 0..3, XCR0/XSS bits the CPU does not support.
    /// </summary>
    public IReadOnlyList<string> ShapeProblems(CpuModel cpu)
    {
        var problems = new List<string>();
        var expected = new SortedDictionary<int, int> { [0] = X87ImageSize, [1] = SseImageSize };
        foreach (int i in cpu.SupportedAll.Indices().Where(i => i >= 2 && cpu.ComponentSize(i) > 0))
            expected[i] = cpu.ComponentSize(i);

        foreach (var (i, size) in expected)
        {
            if (!Components.TryGetValue(i, out var bytes)) problems.Add($"component {i} ({ComponentCatalogue.ShortName(i)}) is missing");
            else if (bytes.Length != size) problems.Add($"component {i} holds {bytes.Length} bytes, the CPU says {size}");
        }
        foreach (int i in Components.Keys.Where(i => !expected.ContainsKey(i)))
            problems.Add($"component {i} ({ComponentCatalogue.ShortName(i)}) is not enumerated by the CPU");
        if (Components.TryGetValue(0, out var x87) && x87.Length == X87ImageSize &&
            x87.AsSpan(X87MxcsrHole.Offset, X87MxcsrHole.Length).ContainsAnyExcept((byte)0))
            problems.Add("x87 image bytes 24..31 must be zero (MXCSR lives in Mxcsr)");
        if (Cpl is < 0 or > 3) problems.Add($"CPL {Cpl} is not 0..3");
        if (!Xcr0.IsSubsetOf(cpu.SupportedXcr0)) problems.Add($"XCR0 {Xcr0} has bits the CPU does not support ({cpu.SupportedXcr0})");
        if (!Xss.IsSubsetOf(cpu.SupportedXss)) problems.Add($"IA32_XSS {Xss} has bits the CPU does not support ({cpu.SupportedXss})");
        return problems;
    }

    /// <summary>
    /// Every field on which this state and <paramref name="other"/> differ. Components in <paramref name="ignored"/>
    /// (content the architecture leaves unspecified) are skipped: their bytes and XINUSE bits, and MXCSR when SSE is
    /// among them. XINUSE bits in <paramref name="ignoredXinUse"/> (R17: either value for a component in its init
    /// configuration) are skipped, the components' bytes are not. <see cref="LastRestore"/> is never compared: it bounds
    /// what a CPU may skip, it is not observable.
    /// </summary>
    public IReadOnlyList<StateDifference> Differences(MachineState other, FeatureMask ignored = default, FeatureMask ignoredXinUse = default)
    {
        var diffs = new List<StateDifference>();
        void Compare<T>(string field, T left, T right)
        {
            if (!EqualityComparer<T>.Default.Equals(left, right)) diffs.Add(new(field, $"{left}", $"{right}"));
        }

        Compare("XCR0", Xcr0, other.Xcr0);
        Compare("IA32_XSS", Xss, other.Xss);
        Compare("IA32_XFD", Xfd, other.Xfd);
        Compare("IA32_XFD_ERR", XfdErr, other.XfdErr);
        Compare("XINUSE", XinUse.Except(ignored | ignoredXinUse), other.XinUse.Except(ignored | ignoredXinUse));
        Compare("CPL", Cpl, other.Cpl);
        Compare("CR4.OSXSAVE", Cr4Osxsave, other.Cr4Osxsave);
        Compare("CR0.TS", Cr0Ts, other.Cr0Ts);
        if (!ignored.Contains(XFeature.Sse)) Compare("MXCSR", $"0x{Mxcsr:x}", $"0x{other.Mxcsr:x}");

        foreach (int i in Components.Keys.Union(other.Components.Keys).Order())
        {
            if (ignored.Contains(i)) continue;
            string field = $"component {i} ({ComponentCatalogue.ShortName(i)})";
            bool here = Components.TryGetValue(i, out var a);
            bool there = other.Components.TryGetValue(i, out var b);
            if (!here || !there)
            {
                diffs.Add(new(field, here ? "present" : "absent", there ? "present" : "absent"));
                continue;
            }
            diffs.AddRange(ByteRange.Describe(field, a.AsSpan(), b.AsSpan(), ByteRange.Differing(a.AsSpan(), b.AsSpan())));
        }
        return diffs;
    }

    public bool Equals(MachineState? other) => other is not null && Differences(other).Count == 0;

    public override int GetHashCode() =>
        HashCode.Combine(Xcr0, Xss, Xfd, XfdErr, XinUse, Cpl, HashCode.Combine(Cr4Osxsave, Cr0Ts, Mxcsr), Components.Count);

    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append($"XCR0={Xcr0} XSS={Xss} XFD={Xfd} XFD_ERR={XfdErr} XINUSE={XinUse} CPL={Cpl} ");
        s.Append($"OSXSAVE={(Cr4Osxsave ? 1 : 0)} TS={(Cr0Ts ? 1 : 0)} MXCSR=0x{Mxcsr:x} components=[{string.Join(",", Components.Keys)}]");
        return s.ToString();
    }
}
