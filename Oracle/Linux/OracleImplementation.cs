using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle;

/// <summary>The reference model behind the contract. Everything is recomputed on every call; nothing is cached.</summary>
public sealed class OracleImplementation : IXstateImplementation
{
    public const string ImplementationName = "oracle";

    public string Name => ImplementationName;

    public string Description => "the reference model: SPEC.md rule by rule, simple and uncached";

    public ImplementationCapabilities Capabilities { get; } = new(ContractPart.All);

    public ICpuArchitecture Architecture(CpuModel cpu) => new OracleCpuArchitecture(cpu);

    public IKernel Boot(CpuModel cpu, KernelConfig config) => new OracleKernel(cpu, config);
}
