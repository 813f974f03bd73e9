using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "ptrace": PTRACE_GETREGSET / SETREGSET NT_X86_XSTATE on a stopped traced child (R71; KO §6b, K7, K8). The
/// oracle applies the same <see cref="PtraceGetXstateOp"/> / <see cref="PtraceSetXstateOp"/> sequence to process 1;
/// each SET image is the task's current image with the same mutation applied on both sides.
/// </summary>
public static class PtraceChecks
{
    public const string Group = "ptrace";

    private sealed record Step(string Name, string Line, bool IsSet, int Length, string Spec);

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var kernel = oracle.Boot();
        int size = (int)kernel.Boot.User.MaxSize;
        var steps = Steps(oracle, size);
        var probe = runner.Run(Group, steps.Select(s => s.Line));
        if (probe.First("xstate_size") is { } sizeLine)
            yield return KernelCheck.Compare(Group, "GETREGSET full length = fpu_user_cfg.max_size", "R71 (K7)", size, sizeLine.Int("size"));
        var observed = probe.Lines.Where(l => l.Has("call")).GroupBy(l => l.Str("call")!).ToDictionary(g => g.Key, g => g.First());
        yield return NonRegisterBytes(kernel, size, observed.GetValueOrDefault($"get {size}"), probe.Failure);

        foreach (var step in steps)
        {
            var expected = step.IsSet ? Set(kernel, step, size) : Get(kernel, step.Length);
            if (!observed.TryGetValue(step.Line, out var line))
            {
                yield return KernelCheck.Skip(Group, step.Name, "R71", probe.Failure ?? "the probe did not report this step", expected);
                continue;
            }
            yield return KernelCheck.Compare(Group, step.Name, step.IsSet ? "R71, R69, R70 (K8)" : "R71 (K7)", expected, Observed(line, step));
        }
    }

    private static IReadOnlyList<Step> Steps(HostOracle oracle, int size)
    {
        var xcr0 = oracle.Xcr0;
        string all = Mutation.Hex(xcr0.Bits);
        var steps = new List<Step>();
        void Get(int len) => steps.Add(new($"GETREGSET iov_len {len}", $"get {len}", false, len, ""));
        void Set(string name, int len, string spec) => steps.Add(new($"SETREGSET {name}", $"set {len} {spec}", true, len, spec));

        foreach (var len in new[] { 2 * size, size, size - 8, 576, 512, 8, size - 1, size + 1 }.Distinct()) Get(len);
        Set("round trip (XSTATE_BV = XCR0)", size, $"bv={all}");
        Set($"iov_len {size + 1664} (more than the image)", size + 1664, $"bv={all}");
        foreach (var len in new[] { 512, 576, size - 8, size - 1, size + 1 }) Set($"iov_len {len}", len, $"bv={all}");
        foreach (int bit in new[] { 3, 8, 9, 11, 12, 17, 18, 19, 62, 63 }.Where(b => !xcr0.Contains(b)))
            Set($"XSTATE_BV |= bit {bit} (not in XCR0)", size, $"bv={all},bvor={Mutation.Hex(1UL << bit)}");
        Set("XCOMP_BV = 1", size, $"bv={all},xcomp=0x1");
        Set("XCOMP_BV = bit 63 | XCR0", size, $"bv={all},xcomp={Mutation.Hex(xcr0.Bits | 1UL << 63)}");
        foreach (int off in new[] { 528, 536, 560, 575 })
            Set($"header byte {off - 512} = 1", size, $"bv={all},u8={off}:1");
        var reserved = ReservedMxcsrBit(oracle.Host.Cpu.MxcsrMask);
        foreach (var bv in new ulong[] { xcr0.Bits, 0x1, 0x2, 0x4, 0x0, xcr0.Bits & ~7UL }.Distinct().Where(b => (b & ~xcr0.Bits) == 0))
            Set($"MXCSR reserved bit with XSTATE_BV 0x{bv:x}", size, $"bv={Mutation.Hex(bv)},mxcsr={Mutation.Hex(0x1F80 | reserved)}");
        if (HighMaskBit(oracle.Host.Cpu.MxcsrMask) is { } high)
            Set($"MXCSR bit in MXCSR_MASK above 15 (0x{high:x})", size, $"bv={all},mxcsr={Mutation.Hex(0x1F80 | high)}");
        Set("MXCSR 0x1fc0", size, $"bv={all},mxcsr=0x1fc0");
        foreach (var bv in new ulong[] { 0x3, 0x0, 0x4 }.Where(b => (b & ~xcr0.Bits) == 0))
            Set($"XSTATE_BV 0x{bv:x} (components dropped)", size, $"bv={Mutation.Hex(bv)}");
        Set("sw_reserved bytes 464..479 garbage", size, $"bv={all},u64=464:0x7777777777777777,u64=472:0x7777777777777777");
        return steps;
    }

    /// <summary>
    /// R71: what GETREGSET writes besides register contents — bytes 416..511 (reserved, and the sw_reserved words the
    /// kernel fills) and the header after XSTATE_BV — compared byte for byte (the registers themselves differ: the
    /// traced child ran glibc, the oracle's process did not).
    /// </summary>
    private static KernelCheck NonRegisterBytes(IKernel kernel, int size, ProbeLine? line, string? failure)
    {
        const string name = "GETREGSET bytes 416..511 and 520..575 (sw_reserved, XCOMP_BV, reserved header)";
        var image = kernel.Apply(new PtraceGetXstateOp(1, 0, size)).Data ?? [];
        static string Text(byte[] b) => b.Length < 576 ? "short image" : Convert.ToHexString(b.AsSpan(416, 96)).ToLowerInvariant().TrimEnd('0') + " | " +
            Convert.ToHexString(b.AsSpan(520, 56)).ToLowerInvariant().TrimEnd('0');
        if (line?.Bytes("image") is not { } seen) return KernelCheck.Skip(Group, name, "R71 (K7)", failure ?? "the probe reported no image", Text(image));
        return KernelCheck.Compare(Group, name, "R71 (K7)", Text(image), Text(seen));
    }

    /// <summary>The lowest MXCSR bit outside MXCSR_MASK (R23: loading it faults, the uABI copy refuses it).</summary>
    public static uint ReservedMxcsrBit(uint mask)
    {
        for (int b = 16; b < 32; b++) if ((mask & (1u << b)) == 0) return 1u << b;
        return 0x8000_0000;
    }

    public static uint? HighMaskBit(uint mask)
    {
        for (int b = 16; b < 32; b++) if ((mask & (1u << b)) != 0) return 1u << b;
        return null;
    }

    private static string Get(IKernel kernel, int len)
    {
        var o = kernel.Apply(new PtraceGetXstateOp(1, 0, len));
        if (o.Result != 0 || o.Data is null) return KernelCheck.Rc(o.Result);
        return $"0, iov_len {o.Data.Length}" + (o.Data.Length >= 528 ? $", XCOMP_BV 0x{ImageFields.Of(o.Data).XcompBv:x}, sw_reserved[0] 0x{ImageFields.Of(o.Data).SwXfeatures:x}" : "");
    }

    private static string Set(IKernel kernel, Step step, int size)
    {
        var current = kernel.Apply(new PtraceGetXstateOp(1, 0, size)).Data ?? new byte[size];
        var image = new byte[Math.Max(step.Length, size)];
        current.CopyTo(image, 0);
        image = Mutation.Apply(image, step.Spec);
        var data = image.AsSpan(0, step.Length).ToArray();
        var r = kernel.Apply(new PtraceSetXstateOp(1, 0, data));
        if (r.Result != 0) return KernelCheck.Rc(r.Result);
        var back = kernel.Apply(new PtraceGetXstateOp(1, 0, size)).Data ?? [];
        return "0; read back " + ImageFields.Of(back);
    }

    private static string Observed(ProbeLine line, Step step)
    {
        long rc = line.Int("rc") ?? long.MinValue;
        if (step.IsSet) return rc != 0 ? KernelCheck.Rc(rc) : "0; read back " + ImageFields.Of(line);
        if (rc != 0) return KernelCheck.Rc(rc);
        long n = line.Int("iov_len") ?? 0;
        return $"0, iov_len {n}" + (n >= 528 ? $", XCOMP_BV 0x{line.Hex("xcomp_bv"):x}, sw_reserved[0] 0x{line.Hex("sw_xfeatures"):x}" : "");
    }
}
