using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;
using Xsave.Contract.Registers;

namespace Xsave.Mutants;

/// <summary>Forwards every architecture query; mutants override the one they break.</summary>
public abstract class ArchitectureDecorator(ICpuArchitecture inner) : ICpuArchitecture
{
    protected ICpuArchitecture Inner { get; } = inner;
    public CpuModel Cpu => Inner.Cpu;
    public virtual int StandardSize(FeatureMask xcr0) => Inner.StandardSize(xcr0);
    public virtual int CompactedSize(FeatureMask xcompBv) => Inner.CompactedSize(xcompBv);
    public virtual XsaveLayout StandardLayout(FeatureMask xcr0) => Inner.StandardLayout(xcr0);
    public virtual XsaveLayout CompactedLayout(FeatureMask xcompBv) => Inner.CompactedLayout(xcompBv);
    public virtual ValidityResult CheckXcr0(FeatureMask value) => Inner.CheckXcr0(value);
    public virtual ValidityResult CheckXss(FeatureMask value) => Inner.CheckXss(value);
    public virtual ValidityResult CheckXfd(FeatureMask value) => Inner.CheckXfd(value);
    public virtual InstructionOutcome Execute(MachineState state, ArchOperation operation) => Inner.Execute(state, operation);
}
