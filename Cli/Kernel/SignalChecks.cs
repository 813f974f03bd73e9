using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Process;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "signal": the xstate part of a 64-bit signal frame and sigreturn of mutated frames (R72; KO §6a, K9). The
/// contract has no signal operation, so the oracle's own signal model (SignalFrame.Setup, SigReturn.Restore) runs on a
/// task of the oracle's boot whose ymm0 holds the probe's pattern (16 × 0xb0 low, 16 × 0xb1 high).
/// </summary>
public static class SignalChecks
{
    public const string Group = "signal";
    private const string Rule = "R72 (K9)";

    private sealed record Case(string Name, string Description, string Spec);

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var boot = oracle.BootResult();
        if (!oracle.Xcr0.Contains(XFeature.Ymm))
        {
            yield return KernelCheck.Skip(Group, "signal frames", Rule, "AVX is not enabled in XCR0: the frame cases use ymm0");
            yield break;
        }
        var cases = Cases(oracle, boot);
        var probe = runner.Run(Group, cases.Select(c => $"{c.Name} {c.Spec}"));
        if (probe.Unavailable is { } why)
        {
            yield return KernelCheck.Skip(Group, "signal frames", Rule, why);
            yield break;
        }

        // The frame as delivered (case "none").
        var (frame, _) = Deliver(boot, Mutation.None);
        var sw = FpxSwBytes.Read(frame);
        var seen = probe.Named("frame").FirstOrDefault(l => l.Str("case") == "none");
        (string Name, object Expected, Func<ProbeLine, object?> Observed)[] fields =
        [
            ("sw_reserved magic1", (ulong)sw.Magic1, l => l.Hex("magic1")),
            ("sw_reserved extended_size = xstate_size + 4", (long)sw.ExtendedSize, l => l.Int("extended_size")),
            ("sw_reserved xfeatures = user xfeatures", sw.Xfeatures.Bits, l => l.Hex("xfeatures")),
            ("sw_reserved xstate_size = fpu_user_cfg size", (long)sw.XstateSize, l => l.Int("xstate_size")),
            ("magic2 after the xstate area", (ulong)BitConverter.ToUInt32(frame, (int)sw.XstateSize), l => l.Hex("magic2")),
            ("XSTATE_BV has FP|SSE forced and the dirty YMM", new FeatureMask(BitConverter.ToUInt64(frame, 512)) & FeatureMask.Range(0, 2),
                l => l.Hex("xstate_bv") is { } v ? new FeatureMask(v) & FeatureMask.Range(0, 2) : null),
            ("fpstate 64-byte aligned", true, l => l.Int("align64") == 1),
        ];
        foreach (var (name, expected, observed) in fields)
            yield return seen is null
                ? KernelCheck.Skip(Group, "frame: " + name, Rule, probe.Failure ?? "the probe reported no frame", expected)
                : KernelCheck.Compare(Group, "frame: " + name, Rule, expected, observed(seen));

        foreach (var c in cases)
        {
            var (_, expected) = Deliver(boot, c.Spec);
            var end = probe.Named("case").FirstOrDefault(l => l.Str("case") == c.Name);
            var after = probe.Named("after").FirstOrDefault(l => l.Str("case") == c.Name);
            string? observed = end is null ? null
                : end.Int("signal") is { } sig and not 0 ? (sig == 11 ? "SIGSEGV" : $"signal {sig}")
                : after is null ? $"exit {end.Int("exit")}" : State(after.Bytes("xmm0") ?? [], after.Bytes("ymm0_hi") ?? [], (uint)(after.Hex("mxcsr") ?? 0));
            yield return observed is null
                ? KernelCheck.Skip(Group, "sigreturn: " + c.Description, Rule, probe.Failure ?? "the probe did not report this case", expected)
                : KernelCheck.Compare(Group, "sigreturn: " + c.Description, Rule, expected, observed);
        }
    }

    private static IReadOnlyList<Case> Cases(HostOracle oracle, BootResult boot)
    {
        var cpu = oracle.Host.Cpu;
        var xcr0 = oracle.Xcr0;
        int ymm = cpu.StandardOffset((int)XFeature.Ymm);
        int size = (int)boot.User.MaxSize;
        string ymm77 = $"u64={ymm}:0x7777777777777777,u64={ymm + 8}:0x7777777777777777";
        var cases = new List<Case>
        {
            new("none", "frame unchanged", Mutation.None),
            new("ymm_hi_77", "frame ymm0[255:128] := 0x77", ymm77),
            new("bv_clear_ymm", "XSTATE_BV &= ~YMM", "bvclr=0x4"),
        };
        if (new[] { 3, 8, 9, 10 }.FirstOrDefault(b => !xcr0.Contains(b)) is var bad and > 0)
            cases.Add(new("bv_bad_bit", $"XSTATE_BV |= bit {bad} (not in XCR0)", $"bvor={Mutation.Hex(1UL << bad)}"));
        cases.Add(new("hdr16", "header byte 16 (XCOMP_BV) = 1", "u8=528:1"));
        cases.Add(new("hdr24", "header byte 24 = 1", "u8=536:1"));
        cases.Add(new("hdr63", "header byte 63 = 1", "u8=575:1"));
        cases.Add(new("mxcsr_reserved", "MXCSR reserved bit", $"mxcsr={Mutation.Hex(0x1F80 | PtraceChecks.ReservedMxcsrBit(cpu.MxcsrMask))}"));
        cases.Add(new("xcomp_1", "XCOMP_BV = 1", "xcomp=0x1"));
        cases.Add(new("xcomp_compacted", "XCOMP_BV = bit 63 | XCR0", $"xcomp={Mutation.Hex(xcr0.Bits | 1UL << 63)}"));
        cases.Add(new("magic1_bad", "magic1 corrupt (fx-only restore)", "u32=464:0"));
        cases.Add(new("magic2_bad", "magic2 corrupt (fx-only restore)", $"u32={size}:0"));
        cases.Add(new("xstate_size_576", "xstate_size = 576", "u32=480:576"));
        cases.Add(new("xfeatures_fp_sse", "sw xfeatures = FP|SSE", "u64=472:0x3"));
        cases.Add(new("xfeatures_extra", "sw xfeatures |= bit 9", $"u64=472:{Mutation.Hex(xcr0.Bits | 0x200)}"));
        cases.Add(new("fp_only_mxcsr", "XSTATE_BV = FP, MXCSR 0x1fc0, ymm0.hi 0x77", $"bv=0x1,mxcsr=0x1fc0,{ymm77}"));
        cases.Add(new("bv_zero", "XSTATE_BV = 0", "bv=0x0"));
        cases.Add(new("bv_zero_mxcsr_reserved", "XSTATE_BV = 0, MXCSR reserved bit", $"bv=0x0,mxcsr={Mutation.Hex(0x1F80 | PtraceChecks.ReservedMxcsrBit(cpu.MxcsrMask))}"));
        cases.Add(new("xfeatures_zero", "sw xfeatures = 0", "u64=472:0x0"));
        cases.Add(new("xfeatures_zero_mxcsr", "sw xfeatures = 0, MXCSR 0x1fc0", "u64=472:0x0,mxcsr=0x1fc0"));
        cases.Add(new("xfeatures_fp_mxcsr", "sw xfeatures = FP, MXCSR 0x1fc0", "u64=472:0x1,mxcsr=0x1fc0"));
        cases.Add(new("xfeatures_fp_sse_mxcsr", "sw xfeatures = FP|SSE, MXCSR 0x1fc0", "u64=472:0x3,mxcsr=0x1fc0"));
        cases.Add(new("xfeatures_ymm_mxcsr", "sw xfeatures = FP|YMM, MXCSR 0x1fc0", "u64=472:0x5,mxcsr=0x1fc0"));
        cases.Add(new("xstate_size_512", "xstate_size = 512 (fx-only restore)", "u32=480:512"));
        cases.Add(new("xstate_size_big", "xstate_size beyond the user size", $"u32=480:{size + 64}"));
        cases.Add(new("extended_size_small", "extended_size < xstate_size", "u32=468:576"));
        return cases;
    }

    /// <summary>The oracle's signal round trip: a task with the probe's ymm0, its frame, the mutation, sigreturn.</summary>
    private static (byte[] Frame, string After) Deliver(BootResult boot, string spec)
    {
        var task = LinuxProcess.Start(boot).Leader;
        var fps = task.Fpu.OwnFpstate;
        var xmm = new byte[256];
        xmm.AsSpan(0, 16).Fill(0xb0);
        TaskRegisters.Load(boot, fps, 1, xmm);
        var ymm = new byte[UabiLayout.Size(boot.Cpu, 2)];
        ymm.AsSpan(0, 16).Fill(0xb1);
        TaskRegisters.Load(boot, fps, 2, ymm);
        var frame = SignalFrame.Setup(boot, fps, task.Pkru.Value);
        var result = SigReturn.Restore(boot, fps, task.Pkru, Mutation.Apply(frame, spec));
        if (result.Outcome == SigreturnOutcome.FailedSigsegv) return (frame, "SIGSEGV");
        var after = State(TaskRegisters.Component(boot, fps, 1).AsSpan(0, 16).ToArray(),
            TaskRegisters.Component(boot, fps, 2).AsSpan(0, 16).ToArray(), TaskRegisters.Mxcsr(boot, fps));
        return (frame, after);
    }

    private static string State(byte[] xmm0, byte[] ymmHi, uint mxcsr) =>
        $"restored: xmm0 {Bytes(xmm0)}, ymm0[255:128] {Bytes(ymmHi)}, MXCSR 0x{mxcsr:x}";

    private static string Bytes(byte[] b) =>
        b.Length > 0 && b.All(x => x == b[0]) ? $"{b.Length}×{b[0]:x2}" : Convert.ToHexString(b).ToLowerInvariant();
}
