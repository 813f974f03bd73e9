using Xsave.Contract.Linux;

namespace Xsave.Properties.Comparison;

/// <summary>
/// The one comparison of two sides' kernel steps, used by the differential kernel laws and the scenario runner alike:
/// the outcome (return value, data, signal, exits, CPUID) must be equal, and, where both report it, the state after.
/// </summary>
public static class StepComparison
{
    /// <summary>Null when the two steps agree; otherwise what differs, in words.</summary>
    public static string? Difference(KernelStep subject, KernelStep reference, bool compareState)
    {
        if (subject.NotApplied != reference.NotApplied || !Equals(subject.Outcome, reference.Outcome))
            return $"outcome: implementation {subject.Describe()} != oracle {reference.Describe()}";
        if (compareState && !Equals(subject.After, reference.After))
            return "state after the step: " + SnapshotDiff.Describe(subject.After, reference.After);
        return null;
    }

    /// <summary>Null when both boots agree; otherwise what differs.</summary>
    public static string? BootDifference(BootSummary subject, BootSummary reference) =>
        subject == reference ? null : $"boot: implementation {subject} != oracle {reference}";
}
