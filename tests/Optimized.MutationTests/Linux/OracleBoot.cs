using Xsave.Contract.Linux;

namespace Xsave.Optimized.MutationTests.Linux;

/// <summary>
/// Sizes a directed test builds its inputs from, read from the oracle's boot of the same CPU (the reference, never the
/// implementation under test): the user xstate size the frames and regsets are laid out for.
/// </summary>
internal static class OracleBoot
{
    public static BootSummary Of(string cpuId, KernelConfig? config = null) =>
        Subjects.Oracle.Boot(Subjects.AllCpus.Single(c => c.Id == cpuId), config ?? KernelConfig.Default).Boot;

    /// <summary>user.default_size: a task's xstate_size before any dynamic feature (fpstate_reset, R63).</summary>
    public static int UserSize(string cpuId, KernelConfig? config = null) => (int)Of(cpuId, config).User.DefaultSize;

    /// <summary>user.max_size: the NT_X86_XSTATE regset's size, which PTRACE_SETREGSET must be given whole (R71).</summary>
    public static int RegsetSize(string cpuId, KernelConfig? config = null) => (int)Of(cpuId, config).User.MaxSize;
}
