using Xsave.Gate.Implementations;
using Xsave.Properties;

namespace Xsave.Gate.Running;

/// <summary>The property context every gate verb runs with: the named subject, the oracle, and the clean corpus CPUs.</summary>
public static class GateContext
{
    public static bool TryCreate(ImplementationRegistry registry, string? implementation, string cpusDirectory,
        out PropertyContext? context, out GateError? error)
    {
        context = null;
        var subject = registry.Resolve(implementation);
        if (subject.Error is not null) { error = subject.Error; return false; }
        if (!CpuCorpus.TryLoad(cpusDirectory, out var cpus, out error)) return false;
        context = new PropertyContext(subject.Implementation!, ImplementationRegistry.Reference(), cpus);
        return true;
    }
}
