using Xsave.Adapters.Kernel;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Composition;

/// <summary>
/// "kernel": this machine's CPU (and, as the kernel probe joins, its Linux kernel) through the native helper. The
/// helper is started when the name is resolved; where it cannot run, the implementation declares no part and every
/// property is skipped with the reason (never an error, never a pass).
/// </summary>
public sealed class KernelImplementations : IImplementationProvider
{
    public IReadOnlyList<ImplementationInfo> Listed { get; } =
        [new(KernelImplementation.ImplementationName, "this machine: the live CPU through the native helper native/xsave-cpu (needs Linux x86-64 and gcc at build time)")];

    public ImplementationLookup? TryResolve(string name) =>
        name == KernelImplementation.ImplementationName ? ImplementationLookup.Found(KernelImplementation.Start()) : null;
}
