using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "sigaltstack": sigaltstack() sizes and signal delivery on the alternate stack with dirty AVX state (R66,
/// R72; KO §6a, K10). The return value comes from the oracle's <see cref="SigaltstackOp"/>; delivery is predicted
/// from the oracle's frame sizes: a stack smaller than the xstate part of the frame cannot hold it (SIGSEGV), one of
/// at least AT_MINSIGSTKSZ always can. Sizes in between depend on the frame's exact placement, which the oracle does
/// not model: those deliveries are reported as skipped.
/// </summary>
public static class SigaltstackChecks
{
    public const string Group = "sigaltstack";

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var boot = oracle.BootResult();
        var kernel = oracle.Boot();
        ulong maxFrame = SignalFrames.MaxFrameSize(boot);
        ulong xstatePart = SignalFrames.XstateSigframeSize(boot, boot.InitFpstate);
        var sizes = new ulong[] { 1024, SignalFrames.MinSigStkSz - 1, SignalFrames.MinSigStkSz, xstatePart - 1, maxFrame - 1, maxFrame, 4096, 8192, 16384 }
            .Where(s => s > 0).Distinct().Order().ToList();
        var probe = runner.Run(Group, sizes.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var size in sizes)
        {
            var rc = kernel.Apply(new SigaltstackOp(1, 0, size)).Result;
            var line = probe.Named("sigaltstack").FirstOrDefault(l => (ulong)(l.Int("size") ?? -1) == size);
            if (line is null)
            {
                yield return KernelCheck.Skip(Group, $"sigaltstack({size})", "R66 (K10)", probe.Failure ?? "the probe did not report this size", KernelCheck.Rc(rc));
                continue;
            }
            long observedRc = line.Int("rc") ?? long.MinValue;
            yield return KernelCheck.Compare(Group, $"sigaltstack({size})", "R66 (K10)", KernelCheck.Rc(rc), KernelCheck.Rc(observedRc));
            if (rc != 0 || observedRc != 0) continue;

            string observed = line.Int("signal") is { } sig and not 0 ? (sig == 11 ? "SIGSEGV" : $"signal {sig}")
                : line.Int("exit") == 0 ? "handler ran" : $"exit {line.Int("exit")}";
            string name = $"delivery on a {size}-byte alternate stack";
            if (size < xstatePart) yield return KernelCheck.Compare(Group, name, "R72", "SIGSEGV", observed, $"the xstate part alone is {xstatePart} bytes");
            else if (size >= maxFrame) yield return KernelCheck.Compare(Group, name, "R72", "handler ran", observed, $"AT_MINSIGSTKSZ is {maxFrame}");
            else yield return KernelCheck.Skip(Group, name, "R72",
                $"between the xstate part ({xstatePart}) and AT_MINSIGSTKSZ ({maxFrame}) the outcome depends on the frame's placement, which the oracle does not model",
                null, observed);
        }
    }
}
