using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized;
using Xsave.Oracle;
using Xsave.Contract.Linux.Operations;
using Xsave.Properties.Comparison;
using Xsave.TestSupport;

namespace Xsave.Properties.Tests;

/// <summary>The smoke tests' world: the optimized kernel (subject) and the oracle (reference) on one CPU.</summary>
internal static class Differential
{
    public static KernelHost Kernels(CpuModel cpu, KernelConfig? config = null)
    {
        config ??= KernelConfig.Default;
        return new KernelHost(new OptimizedImplementation().Boot(cpu, config), new OracleImplementation().Boot(cpu, config),
            OpText.Describe, SnapshotDiff.Describe);
    }
}
