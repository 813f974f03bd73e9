namespace Xsave.Contract.Cpus;

/// <summary>What a load produced: the usable profiles (each with its own findings) and the errors that left some out.</summary>
public sealed record ProfileLoadResult(IReadOnlyList<CpuProfile> Profiles, IReadOnlyList<ProfileDiagnostic> Errors)
{
    public bool Ok => Errors.Count == 0;

    public static ProfileLoadResult Failure(ProfileDiagnostic error) => new([], [error]);
}
