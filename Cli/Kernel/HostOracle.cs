using Xsave.Cli.Composition;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.World;

namespace Xsave.Cli.Kernel;

/// <summary>
/// The reference's predictions for this host: the oracle (from the registry) bound to the live CPU model and booted
/// with the detected kernel configuration. Every group gets a fresh kernel, so the operations a group applies mirror
/// exactly the calls its probe made.
/// </summary>
public sealed class HostOracle(HostFacts host)
{
    private readonly IXstateImplementation _oracle = ImplementationRegistry.Reference();

    public HostFacts Host { get; } = host;

    public ICpuArchitecture Architecture { get; } = ImplementationRegistry.Reference().Architecture(host.Cpu);

    public IKernel Boot() => _oracle.Boot(Host.Cpu, Host.Config);

    /// <summary>
    /// The oracle's boot internals, for predictions the contract has no operation for (the signal frame and
    /// AT_MINSIGSTKSZ, SPEC R72): the oracle implementation's own kernel object.
    /// </summary>
    public BootResult BootResult() =>
        (Boot() as OracleKernel)?.BootResult ?? FpuBoot.Run(Host.Cpu, Host.Config);

    /// <summary>The user components of XCR0: the live XCR0 (the probe's XGETBV(0)).</summary>
    public FeatureMask Xcr0 => Host.Xcr0;
}
