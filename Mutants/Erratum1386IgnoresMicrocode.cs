using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// R38a misread (the models before turn 2, and the first 2023 patch): erratum 1386 clears XSAVES on every AMD family
/// 0x17 part, even when its microcode carries the fix (amd.c fix_erratum_1386: x86_match_min_microcode_rev returns).
/// Built by hiding the revision from the correct implementation: unknown counts as affected.
/// </summary>
public sealed class Erratum1386IgnoresMicrocode(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:erratum-1386-ignores-microcode";
    public override string Description => "R38a: XSAVES cleared on family 0x17 whatever the microcode revision";
    public override string Source => "x86/CPU/AMD: fix_erratum_1386 checks the microcode revision (x86_match_min_microcode_rev), R38a";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) => Inner.Boot(cpu with { MicrocodeRevision = null }, config);
}
