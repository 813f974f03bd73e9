using Xsave.Contract.Linux;

namespace Xsave.Cli.Kernel;

/// <summary>
/// One line of the KVM script: the probe runs <see cref="Line"/>, the oracle applies what <see cref="Expected"/> does
/// on its booted kernel (the same KernelOps in the same order), and <see cref="Observed"/> renders the probe's answer
/// in the same words. A step marked <see cref="PvmSensitive"/> depends on what the non-upstream PVM module changes.
/// </summary>
public sealed record KvmStep(string Name, string Line, string Rule, Func<IKernel, string> Expected, Func<ProbeLine, string> Observed, bool PvmSensitive = false);

/// <summary>How the KVM script renders outcomes, one way for the oracle and the probe.</summary>
public static class KvmText
{
    public static string Rc(ProbeLine l) => KernelCheck.Rc(l.Int("rc") ?? long.MinValue);

    public static string Xcrs(KernelOutcome o) => o.Result != 0 ? KernelCheck.Rc(o.Result) : $"0, XCR0 0x{o.Value ?? 0:x}";

    public static string Xcrs(ProbeLine l) => l.Int("rc") != 0 ? Rc(l) : $"0, XCR0 {l.Str("xcr0") ?? "absent"}";

    public static string Image(KernelOutcome o) => o.Result != 0 || o.Data is null ? KernelCheck.Rc(o.Result) : "0, " + ImageFields.Of(o.Data);

    public static string Image(ProbeLine l) => l.Int("rc") != 0 || l.Bytes("image") is not { } b ? Rc(l) : "0, " + ImageFields.Of(b);
}
