using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;
using Xsave.Contract.Registers;

namespace Xsave.Oracle.Architecture;

/// <summary>The oracle seen through the contract: every call goes straight to the rule it names, nothing is kept.</summary>
public sealed class OracleCpuArchitecture(CpuModel cpu) : ICpuArchitecture
{
    public CpuModel Cpu { get; } = cpu;

    public int StandardSize(FeatureMask xcr0) => Architecture.StandardLayout.Size(Cpu, xcr0);
    public int CompactedSize(FeatureMask xcompBv) => Architecture.CompactedLayout.Size(Cpu, xcompBv);
    public XsaveLayout StandardLayout(FeatureMask xcr0) => Architecture.StandardLayout.For(Cpu, xcr0);
    public XsaveLayout CompactedLayout(FeatureMask xcompBv) => Architecture.CompactedLayout.For(Cpu, xcompBv);
    public ValidityResult CheckXcr0(FeatureMask value) => Xcr0Rules.Check(Cpu, value);
    public ValidityResult CheckXss(FeatureMask value) => XssRules.Check(Cpu, value);
    public ValidityResult CheckXfd(FeatureMask value) => XfdRules.Check(Cpu, value);
    public InstructionOutcome Execute(MachineState state, ArchOperation operation) => ArchitectureOracle.Run(Cpu, state, operation);
}
