using System.Text;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;

namespace Xsave.Properties.Generators;

/// <summary>
/// A kernel booted on one CPU with one configuration, and the operations applied to it in order: the input of the
/// Linux/KVM laws (model-based testing: random sequences of system calls, ioctls and events).
/// </summary>
public sealed record KernelScenario(CpuCase Cpu, KernelConfig Config, IReadOnlyList<KernelOp> Ops)
{
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Cpu).Append(" policy=").Append(Config.Policy).Append(Config.Is64Bit ? "" : " 32-bit");
        if (Config.NoXsave) sb.Append(" noxsave");
        if (Config.NoXsaves) sb.Append(" noxsaves");
        if (Config.NoXsaveopt) sb.Append(" noxsaveopt");
        if (Config.ClearCpuid != CpuidFlags.None) sb.Append(" clearcpuid=").Append(CpuidFlagNames.Format(Config.ClearCpuid));
        for (int i = 0; i < Ops.Count; i++) sb.Append("\n  ").Append(i).Append(": ").Append(OpText.Describe(Ops[i]));
        return sb.ToString();
    }
}
