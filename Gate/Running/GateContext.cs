using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Properties;

namespace Xsave.Gate.Running;

/// <summary>
/// The property context every gate verb runs with: the subject and the reference it is handed (the composition root
/// chooses them), and the clean CPUs of the corpus.
/// </summary>
public static class GateContext
{
    public static bool TryCreate(IXstateImplementation subject, IXstateImplementation reference, string cpusDirectory,
        out PropertyContext? context, out GateError? error)
    {
        context = null;
        if (!CpuCorpus.TryLoad(cpusDirectory, out var cpus, out error)) return false;
        context = new PropertyContext(subject, reference, cpus);
        return true;
    }
}
