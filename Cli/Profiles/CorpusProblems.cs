using Xsave.Contract.Cpus;

namespace Xsave.Cli.Profiles;

/// <summary>
/// The runner's side of <see cref="CpuCorpus"/>'s error policy: every problem of a corpus the verb read is one
/// "error:" line on stderr, and the run is bad input (exit 2) even when the verb could still answer.
/// </summary>
public static class CorpusProblems
{
    /// <summary>Prints every problem except <paramref name="alreadyPrinted"/>; true when the corpus had any.</summary>
    public static bool Report(CliContext context, CpuCorpus corpus, string? alreadyPrinted = null)
    {
        foreach (var problem in corpus.Problems.Where(p => p != alreadyPrinted)) context.Error.WriteLine($"error: {problem}");
        return !corpus.Ok;
    }

    /// <summary>The exit code of a verb that answered: <paramref name="exit"/>, or 2 when the corpus it read had a problem.</summary>
    public static int Finish(CliContext context, ProfileResolver profiles, int exit) =>
        profiles.CorpusLoaded && Report(context, profiles.Corpus) ? ExitCodes.InputError : exit;

    /// <summary>Resolves --cpu; on failure prints the reason and the corpus's other problems, and gives null.</summary>
    public static CpuProfile? Resolve(CliContext context, ProfileResolver profiles, string cpu)
    {
        var lookup = profiles.Resolve(cpu);
        if (lookup.Profile is { } profile) return profile;
        context.Error.WriteLine($"error: {lookup.Error}");
        if (profiles.CorpusLoaded) Report(context, profiles.Corpus, alreadyPrinted: lookup.Error);
        return null;
    }
}
