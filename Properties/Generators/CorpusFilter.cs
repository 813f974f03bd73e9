using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// The corpus CPUs a predicate picks, found once per corpus and predicate: the laws build their generators per round
/// of 100 cases, and filtering the whole corpus each time (a CPUID decode per profile) cost more than a case.
/// </summary>
public static class CorpusFilter
{
    private static readonly ConditionalWeakTable<IReadOnlyList<CpuModel>, ConcurrentDictionary<Func<CpuModel, bool>, CpuModel[]>> Found = new();

    /// <summary>The CPUs of <paramref name="corpus"/> for which <paramref name="wanted"/> holds, in corpus order. The
    /// predicate is the key: a static method or a lambda without captures is one object for the whole run.</summary>
    public static CpuModel[] Matching(IReadOnlyList<CpuModel> corpus, Func<CpuModel, bool> wanted) =>
        Found.GetOrCreateValue(corpus).GetOrAdd(wanted, w => corpus.Where(w).ToArray());
}
