using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Mutants;

/// <summary>
/// H23: the 5.10/5.15 stable backport of "x86/CPU/AMD: Disable XSAVES on AMD family 0x17" put the check into
/// init_amd_k6(), which Zen parts never run, so affected family 0x17 CPUs kept XSAVES (R38a).
/// </summary>
public sealed class ErratumNotAppliedOnZen(IXstateImplementation inner) : MutantImplementation(inner)
{
    public override string Name => "mutant:h23-erratum-not-applied";
    public override string Description => "H23/R38a: family 0x17 parts below the fixed microcode keep XSAVES (the erratum check never runs)";
    public override string Source => "stable backport fix by Maciej S. Szmigiero (2023): erratum 1386 check moved out of init_amd_k6(), H23";

    public override IKernel Boot(CpuModel cpu, KernelConfig config) =>
        Inner.Boot(cpu, cpu is { Vendor: "AuthenticAMD", Family: 0x17 } ? config with { AmdZenXsavesErratum = false } : config);
}
