using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.Mutants;

/// <summary>
/// A correct implementation with one bug put back. Subclasses override only the answer they break; everything else
/// goes to <see cref="Inner"/>.
/// </summary>
public abstract class MutantImplementation(IXstateImplementation inner) : IXstateImplementation
{
    protected IXstateImplementation Inner { get; } = inner;

    /// <summary>Stable name, "mutant:" + a short slug, e.g. "mutant:h13-unaligned-compacted".</summary>
    public abstract string Name { get; }

    /// <summary>The bug, and the SPEC part E entry it comes from.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Where the historical fix is (a commit or patch subject, with the SPEC H entry), or which kind of mistake of a
    /// kernel or emulator author the mutant stands for when it has no single fix. The kill list shows it.
    /// </summary>
    public abstract string Source { get; }

    public virtual ImplementationCapabilities Capabilities => Inner.Capabilities;

    public virtual ICpuArchitecture Architecture(CpuModel cpu) => Inner.Architecture(cpu);

    public virtual Contract.Linux.IKernel Boot(CpuModel cpu, Contract.Linux.KernelConfig config) => Inner.Boot(cpu, config);
}
