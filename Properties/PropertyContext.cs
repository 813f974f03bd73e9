using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.Properties;

/// <summary>
/// What a law is checked with: the implementation under test, the reference it is compared against (the oracle),
/// and the real CPUs of the corpus that generators mix in. Supplied by the composition root (runner or tests).
/// </summary>
public sealed record PropertyContext(
    IXstateImplementation Subject,
    IXstateImplementation Reference,
    IReadOnlyList<CpuModel> CorpusCpus)
{
    /// <summary>The CPUs a law may use: the subject's own CPU when it has one, else the corpus and synthetic ones.</summary>
    public CpuModel? FixedCpu => Subject.Capabilities.FixedCpu;

    /// <summary>The machine state the subject cannot leave (a real CPU at CPL 3), or null: generators keep to it.</summary>
    public FixedMachine? FixedMachine => Subject.Capabilities.FixedMachine;
}
