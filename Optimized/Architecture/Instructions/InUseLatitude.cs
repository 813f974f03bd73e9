using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>
/// R17/R20a: a CPU may report XINUSE[i] either way for a component in its init configuration (value-tracking CPUs
/// clear it, KO §1c). The outcome says so for the state after and for XGETBV(1)'s result; bytes stay defined.
/// </summary>
internal static class InUseLatitude
{
    public static InstructionOutcome Apply(CpuFacts facts, InstructionOutcome outcome, ArchOperation operation)
    {
        var state = outcome.State;
        ulong open = ~state.XinUse.Bits & facts.Held;
        for (ulong m = state.XinUse.Bits & facts.Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            if (state.Components[i].AsSpan().SequenceEqual(facts.InitImage(i).AsSpan())) open |= 1UL << i;
        }
        ulong returned = operation is XgetbvOp { Ecx: 1 } && outcome.ReturnedValue is not null ? open & state.Xcr0.Bits : 0;
        return outcome with { UnspecifiedXinUse = new FeatureMask(open), UnspecifiedReturnedBits = new FeatureMask(returned) };
    }
}
