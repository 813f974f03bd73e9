using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// What a law needs of a generated machine state. The defaults allow every state the contract allows; laws that need
/// an instruction to get past its common checks ask for <see cref="Runnable"/>.
/// </summary>
/// <param name="Runnable">CR4.OSXSAVE = 1 and CR0.TS = 0.</param>
/// <param name="ValidMxcsr">MXCSR has no bit outside MXCSR_MASK (a real machine cannot hold one: LDMXCSR would #GP).</param>
/// <param name="NoXfd">IA32_XFD = 0.</param>
/// <param name="Cpl">A fixed CPL, or null for 0 or 3.</param>
/// <param name="Xcr0">A fixed XCR0, or null for any legal value.</param>
/// <param name="Xss">A fixed IA32_XSS, or null for any supported value.</param>
/// <param name="X87RegisterFieldsOnly">x87 contents hold only register fields (<see cref="X87Fields"/>), as a real CPU does.</param>
/// <param name="RegisterFieldsOnly">PKRU and BNDCSR hold only their register bytes, BNDPRESERVE set with BNDCFGU.EN
/// (<see cref="RegisterFields"/>, F5/F8), as a CPU does: every fixed machine.</param>
public sealed record MachineConstraints(
    bool Runnable = false,
    bool ValidMxcsr = false,
    bool NoXfd = false,
    int? Cpl = null,
    FeatureMask? Xcr0 = null,
    FeatureMask? Xss = null,
    bool X87RegisterFieldsOnly = false,
    bool RegisterFieldsOnly = false)
{
    public static MachineConstraints Any { get; } = new();

    /// <summary>
    /// These constraints within what <paramref name="machine"/> can hold (null: unchanged): its XCR0, CPL and IA32_XFD,
    /// CR4.OSXSAVE = 1 and CR0.TS = 0, and a valid MXCSR (a real CPU cannot hold reserved bits: LDMXCSR and XRSTOR #GP).
    /// A law that needs another CPL or XCR0 declares it (<see cref="ConformanceProperty.MachineNeeds"/>) and is skipped.
    /// </summary>
    public MachineConstraints On(FixedMachine? machine) => machine is null ? this : this with
    {
        Runnable = true, ValidMxcsr = true, NoXfd = NoXfd || machine.Xfd.IsEmpty, Cpl = machine.Cpl, Xcr0 = machine.Xcr0,
        X87RegisterFieldsOnly = machine.X87RegisterFieldsOnly, RegisterFieldsOnly = true,
    };
}

/// <summary>
/// Machine states that fit a CPU (<see cref="MachineState.ShapeProblems"/> empty): component contents mostly in their
/// init configuration or one small pattern, XINUSE consistent with the contents (set for every component out of init;
/// now and then set for one in init, and now and then clear for SSE whose only change is MXCSR, both of which R17 allows), MXCSR values around 1F80H including reserved bits, a legal
/// XCR0, XSS within the supported set, XFD on XFD-capable bits only, CPL 0 or 3, OSXSAVE and TS mostly 1 and 0.
/// Shrinking goes toward the init state, fewer enabled features and CPL 0.
/// </summary>
public static class MachineGen
{
    private static readonly uint[] MxcsrValidValues = [0x1F80, 0x1FC0, 0x1F80 | 0x20, 0x9FC0, 0x0000, 0xFFFF];
    private static readonly uint[] MxcsrReservedValues = [0x11F80, 0x21F80, 0x10000, 0x80001F80, 0xFFFFFFFF];

    /// <summary>Every component a state of <paramref name="cpu"/> holds: x87, SSE and each enumerated one with a size.</summary>
    public static int[] HeldComponents(CpuModel cpu) =>
        [0, 1, .. cpu.SupportedAll.Indices().Where(i => i >= 2 && cpu.ComponentSize(i) > 0)];

    public static int ImageSize(CpuModel cpu, int index) =>
        index switch { 0 => MachineState.X87ImageSize, 1 => MachineState.SseImageSize, _ => cpu.ComponentSize(index) };

    // Made once (a state is generated per case; these do not depend on the CPU).
    private static readonly Gen<bool> Always = Gen.Constant(true), Never = Gen.Constant(false);
    private static readonly Gen<bool> OneIn5 = Weighted.Of((4, Gen.Constant(false)), (1, Gen.Constant(true)));
    private static readonly Gen<bool> FourIn5 = Weighted.Of((4, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> NineIn10 = Weighted.Of((9, Gen.Constant(true)), (1, Gen.Constant(false)));
    private static readonly Gen<bool> OneIn10 = Weighted.Of((9, Gen.Constant(false)), (1, Gen.Constant(true)));
    private static readonly Gen<int> AnyCpl = Weighted.Of((3, Gen.Constant(0)), (2, Gen.Constant(3)));

    /// <summary>A state of <paramref name="cpu"/> within <paramref name="constraints"/>.</summary>
    public static Gen<MachineState> State(CpuModel cpu, MachineConstraints constraints)
    {
        var held = HeldComponents(cpu);
        var xfdCapable = new FeatureMask(cpu.SupportedXcr0.Indices().Where(cpu.IsXfdCapable).Aggregate(0UL, (m, i) => m | (1UL << i)));
        var xssSupported = cpu.HasXsaves ? cpu.SupportedXss : FeatureMask.None;

        var xcr0 = constraints.Xcr0 is { } x ? Gen.Constant(x) : MaskGen.LegalXcr0(cpu.SupportedXcr0);
        var xss = constraints.Xss is { } s ? Gen.Constant(s) : Weighted.Of((1, Gen.Constant(FeatureMask.None)), (2, MaskGen.SubsetOf(xssSupported)));
        var xfd = constraints.NoXfd || !cpu.HasXfd ? Gen.Constant(FeatureMask.None)
            : Weighted.Of((2, Gen.Constant(FeatureMask.None)), (1, MaskGen.SubsetOf(xfdCapable)));
        var xfdErr = !cpu.HasXfd ? Gen.Constant(FeatureMask.None)
            : Weighted.Of((4, Gen.Constant(FeatureMask.None)), (1, MaskGen.SubsetOf(xfdCapable)));
        var cpl = constraints.Cpl is { } c ? Gen.Constant(c) : AnyCpl;
        var osxsave = constraints.Runnable ? Always : NineIn10;
        var ts = constraints.Runnable ? Never : OneIn10;
        var mxcsr = Mxcsr(cpu, constraints.ValidMxcsr);
        var contents = Gen.CollectToArray(held.Select(i => Content(i, ImageSize(cpu, i))));
        var staleInUse = Gen.ArrayOf(OneIn5, held.Length);
        // R17: XINUSE[1] may be 0 even when MXCSR != 1F80H (Zen 5 sets it, KO §1c): now and then it is clear.
        var mxcsrTracked = FourIn5;

        return from x0 in xcr0
               from ss in xss
               from fd in xfd
               from err in xfdErr
               from level in cpl
               from os in osxsave
               from t in ts
               from mx in mxcsr
               from bytes in contents
               from stale in staleInUse
               from tracked in mxcsrTracked
               select Build(held, Canonical(held, bytes, constraints), stale, mx, tracked) with
               {
                   Xcr0 = x0, Xss = ss, Xfd = fd, XfdErr = err, Cpl = level, Cr4Osxsave = os, Cr0Ts = t,
               };
    }

    /// <summary>Contents as a fixed machine holds them: x87 (F1) and PKRU/BNDCSR (F5, F8) register fields only.</summary>
    private static byte[][] Canonical(int[] held, byte[][] contents, MachineConstraints constraints)
    {
        if (!constraints.X87RegisterFieldsOnly && !constraints.RegisterFieldsOnly) return contents;
        return [.. held.Select((i, k) => i == 0 && constraints.X87RegisterFieldsOnly ? X87Fields.Canonical(contents[k])
            : constraints.RegisterFieldsOnly ? RegisterFields.Canonical(i, contents[k]) : contents[k])];
    }

    private static MachineState Build(int[] held, byte[][] contents, bool[] staleInUse, uint mxcsr, bool mxcsrTracked)
    {
        var components = ImmutableSortedDictionary.CreateBuilder<int, ImmutableArray<byte>>();
        ulong inUse = 0;
        for (int k = 0; k < held.Length; k++)
        {
            int i = held[k];
            components[i] = ImmutableArray.Create(contents[k]);
            bool init = contents[k].AsSpan().SequenceEqual(MachineState.InitImage(i, contents[k].Length));
            if (!init || staleInUse[k] || (i == 1 && mxcsr != MachineState.InitMxcsr && mxcsrTracked)) inUse |= 1UL << i;
        }
        return new MachineState { Components = components.ToImmutable(), XinUse = new(inUse), Mxcsr = mxcsr };
    }

    /// <summary>MXCSR: mostly 1F80H, else another valid value, else (unless forbidden) one with reserved bits set.</summary>
    public static Gen<uint> Mxcsr(CpuModel cpu, bool validOnly)
    {
        var valid = Gen.Elements(MxcsrValidValues.Select(v => v & cpu.MxcsrMask).ToArray());
        if (validOnly) return Weighted.Of((4, Gen.Constant(MachineState.InitMxcsr)), (2, valid));
        return Weighted.Of((4, Gen.Constant(MachineState.InitMxcsr)), (2, valid), (1, Gen.Elements(MxcsrReservedValues)));
    }

    /// <summary>MXCSR values with a bit outside this CPU's MXCSR_MASK: loading one faults (R23, R25).</summary>
    public static Gen<uint> ReservedMxcsr(CpuModel cpu) =>
        Gen.Elements(MxcsrReservedValues.Where(v => (v & ~cpu.MxcsrMask) != 0).DefaultIfEmpty(0xFFFF_FFFF).ToArray());

    /// <summary>Component bytes: init (most), init with one byte changed, or a recognisable pattern.</summary>
    public static Gen<byte[]> Content(int index, int size) => Contents.GetOrAdd((index, size), static k => BuildContent(k.Index, k.Size));

    // A generator per component and size, made once (it is immutable; every machine state asks for one per component).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Index, int Size), Gen<byte[]>> Contents = new();

    private static Gen<byte[]> BuildContent(int index, int size)
    {
        var init = Gen.Fresh(() => MachineState.InitImage(index, size));
        var oneByte = from k in Gen.Choose(0, size - 1)
                      from v in Gen.Choose(1, 255)
                      select OneByte(index, size, k, (byte)v);
        var pattern = Gen.Choose(0, 250).Select(seed => Pattern(index, size, seed));
        return Weighted.Of((5, init), (3, oneByte), (1, pattern));
    }

    /// <summary>The init image with byte <paramref name="k"/> set (moved out of the x87 MXCSR hole).</summary>
    public static byte[] OneByte(int index, int size, int k, byte value)
    {
        var bytes = MachineState.InitImage(index, size);
        if (index == 0 && MachineState.X87MxcsrHole.Contains(k)) k = MachineState.X87MxcsrHole.End;
        bytes[k] = value;
        return bytes;
    }

    /// <summary>Byte k = (seed + k) mod 251 + 1: never zero, easy to recognise (x87 keeps its MXCSR hole zero).</summary>
    public static byte[] Pattern(int index, int size, int seed)
    {
        var bytes = new byte[size];
        for (int k = 0; k < size; k++) bytes[k] = (byte)((seed + k) % 251 + 1);
        if (index == 0) bytes.AsSpan(MachineState.X87MxcsrHole.Offset, MachineState.X87MxcsrHole.Length).Clear();
        return bytes;
    }

    /// <summary>Whether the component holds its init configuration (R17).</summary>
    public static bool IsInit(MachineState state, int index)
    {
        var bytes = state.Component(index);
        return bytes.AsSpan().SequenceEqual(MachineState.InitImage(index, bytes.Length));
    }

    /// <summary>Components out of their init configuration (MXCSR counts for SSE).</summary>
    public static FeatureMask NonInit(MachineState state)
    {
        ulong m = 0;
        foreach (int i in state.Components.Keys)
            if (!IsInit(state, i) || (i == 1 && state.Mxcsr != MachineState.InitMxcsr)) m |= 1UL << i;
        return new(m);
    }

    /// <summary>
    /// Smaller states, each strictly simpler and still consistent (XINUSE covers every component out of init), within
    /// <paramref name="constraints"/>: everything init, fewer XCR0 groups, no XSS/XFD/XFD_ERR, CPL 0, OSXSAVE 1, TS 0,
    /// MXCSR 1F80H, then one component back to init or one stale XINUSE bit cleared.
    /// </summary>
    public static IEnumerable<MachineState> Shrink(CpuModel cpu, MachineState s, MachineConstraints constraints)
    {
        // Everything init at once, when that is more than one step away.
        if ((NonInit(s) | s.XinUse).Count > 1) yield return AllInit(s);

        if (constraints.Xcr0 is null)
            foreach (var smaller in SmallerXcr0(s.Xcr0))
                yield return s with { Xcr0 = smaller };
        if (constraints.Xss is null && !s.Xss.IsEmpty)
        {
            yield return s with { Xss = FeatureMask.None };
            if (s.Xss.Count > 1)
                foreach (int i in s.Xss.Indices().Reverse()) yield return s with { Xss = s.Xss.Without(i) };
        }
        if (!s.Xfd.IsEmpty) yield return s with { Xfd = FeatureMask.None };
        if (!s.XfdErr.IsEmpty) yield return s with { XfdErr = FeatureMask.None };
        if (constraints.Cpl is null && s.Cpl != 0) yield return s with { Cpl = 0 };
        if (!s.Cr4Osxsave) yield return s with { Cr4Osxsave = true };
        if (s.Cr0Ts) yield return s with { Cr0Ts = false };
        if (s.Mxcsr != MachineState.InitMxcsr) yield return s with { Mxcsr = MachineState.InitMxcsr };

        foreach (int i in s.Components.Keys.Reverse())
        {
            if (!IsInit(s, i))
            {
                // First toward a single changed byte (readable), then back to init.
                var bytes = s.Component(i);
                int changed = bytes.AsSpan().Length - CountEqualToInit(i, bytes);
                if (changed > 1)
                {
                    int k = FirstDifference(i, bytes);
                    var one = OneByte(i, bytes.Length, k, 1);
                    if (i == 0 && constraints.X87RegisterFieldsOnly) X87Fields.Canonicalize(one);
                    if (constraints.RegisterFieldsOnly) RegisterFields.Canonicalize(i, one);
                    yield return s.WithRawComponent(i, one);
                }
                yield return s.WithRawComponent(i, MachineState.InitImage(i, bytes.Length)) with
                {
                    XinUse = i == 1 && s.Mxcsr != MachineState.InitMxcsr ? s.XinUse : s.XinUse.Without(i),
                };
            }
            else if (s.XinUse.Contains(i) && !(i == 1 && s.Mxcsr != MachineState.InitMxcsr))
                yield return s with { XinUse = s.XinUse.Without(i) };
        }
    }

    private static MachineState AllInit(MachineState s)
    {
        var components = s.Components.ToBuilder();
        foreach (var (i, bytes) in s.Components) components[i] = ImmutableArray.Create(MachineState.InitImage(i, bytes.Length));
        return s with { Components = components.ToImmutable(), XinUse = FeatureMask.None, Mxcsr = MachineState.InitMxcsr };
    }

    /// <summary>Legal XCR0 values with one group fewer (R9 stays satisfied), x87-only first.</summary>
    public static IEnumerable<FeatureMask> SmallerXcr0(FeatureMask xcr0)
    {
        var fp = FeatureMask.Of(XFeature.Fp);
        if (xcr0 == fp) yield break;
        if (xcr0.Count > 2) yield return fp;
        FeatureMask[] groups = [ArchMasks.Xtile, FeatureMask.Of(XFeature.Apx), FeatureMask.Of(XFeature.Lwp), FeatureMask.Of(XFeature.Pkru),
            ArchMasks.Avx512, ArchMasks.Mpx, FeatureMask.Of(XFeature.Ymm), FeatureMask.Of(XFeature.Sse)];
        foreach (var g in groups)
        {
            if (!xcr0.Overlaps(g)) continue;
            var smaller = xcr0.Except(g);
            if (IsLegalXcr0(smaller)) yield return smaller;
        }
        // Anything else (bits outside the known groups): one bit at a time.
        foreach (int i in xcr0.Indices().Reverse().Where(i => i > 0))
            if (!groups.Any(g => g.Contains(i)) && IsLegalXcr0(xcr0.Without(i))) yield return xcr0.Without(i);
    }

    /// <summary>R9's shape rules (support is the generator's business): x87, AVX ⇒ SSE, bundles whole, AVX-512 ⇒ AVX.</summary>
    public static bool IsLegalXcr0(FeatureMask x)
    {
        bool whole(FeatureMask b) => (x & b).IsEmpty || (x & b) == b;
        return x.Contains(XFeature.Fp) && (!x.Contains(XFeature.Ymm) || x.Contains(XFeature.Sse)) &&
               whole(ArchMasks.Mpx) && whole(ArchMasks.Avx512) && whole(ArchMasks.Xtile) &&
               ((x & ArchMasks.Avx512).IsEmpty || x.Contains(XFeature.Ymm));
    }

    private static int CountEqualToInit(int index, ImmutableArray<byte> bytes)
    {
        var init = MachineState.InitImage(index, bytes.Length);
        int n = 0;
        for (int k = 0; k < init.Length; k++) if (bytes[k] == init[k]) n++;
        return n;
    }

    private static int FirstDifference(int index, ImmutableArray<byte> bytes)
    {
        var init = MachineState.InitImage(index, bytes.Length);
        for (int k = 0; k < init.Length; k++) if (bytes[k] != init[k]) return k;
        return 0;
    }
}
