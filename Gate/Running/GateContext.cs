using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Properties;

namespace Xsave.Gate.Running;

/// <summary>
/// The property context every gate verb runs with: the subject and the reference it is handed (the composition root
/// chooses them), and the clean CPUs of the corpus in id order (the order is part of what makes a seed reproducible).
/// </summary>
public static class GateContext
{
    public static bool TryCreate(IXstateImplementation subject, IXstateImplementation reference, string cpusDirectory,
        out PropertyContext? context, out GateError? error)
    {
        context = null;
        error = null;
        // Any bad file is bad input: the generated cases would silently differ from everyone else's.
        var corpus = CpuCorpus.Load(cpusDirectory);
        if (!corpus.Ok) error = new GateError(string.Join("; ", corpus.Problems));
        else if (corpus.Clean.Count == 0) error = new GateError("no clean CPU profile in the directory", corpus.Directory);
        if (error is not null) return false;
        context = new PropertyContext(subject, reference, corpus.Clean.Select(p => p.ToCpuModel()).ToList());
        return true;
    }
}
