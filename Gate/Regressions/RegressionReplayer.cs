using Xsave.Properties;
using Xsave.Properties.Running;

namespace Xsave.Gate.Regressions;

public enum ReplayVerdict
{
    /// <summary>The implementation now agrees with the oracle on the stored input.</summary>
    Passed,
    Failed,
    /// <summary>The implementation does not declare the part of the contract the law needs.</summary>
    Skipped,
}

/// <summary>
/// One stored case re-checked against an implementation. <see cref="SameAsRecorded"/> says whether a failure gives
/// the same answer the file recorded (null when there is nothing to compare).
/// </summary>
public sealed record ReplayResult(
    string File,
    string Property,
    string Implementation,
    ReplayVerdict Verdict,
    string? Message,
    Evidence? Evidence,
    bool? SameAsRecorded,
    TimeSpan Elapsed);

/// <summary>
/// Replays regression files by value: the stored input, decoded by the law's codec, is checked directly
/// (PropertyRunner.CheckInput), with no generation, so it still means the same case after the generators change.
/// </summary>
public static class RegressionReplayer
{
    public static ReplayResult Replay(RegressionCase loaded, PropertyContext context)
    {
        var outcome = PropertyRunner.CheckInput(loaded.Property, context, loaded.Input);
        var subject = context.Subject.Name;
        switch (outcome.Verdict)
        {
            case PropertyVerdict.Skipped:
                return new(loaded.File, loaded.Property.Name, subject, ReplayVerdict.Skipped, outcome.Reason, null, null, outcome.Elapsed);
            case PropertyVerdict.Passed:
                return new(loaded.File, loaded.Property.Name, subject, ReplayVerdict.Passed, null, null, null, outcome.Elapsed);
            default:
                var evidence = Observe(loaded, context);
                bool? same = evidence?.Observed is not null && loaded.Record.Observed is not null
                    ? CanonicalJson.Write(evidence.Observed) == CanonicalJson.Write(loaded.Record.Observed)
                    : null;
                return new(loaded.File, loaded.Property.Name, subject, ReplayVerdict.Failed, outcome.Message ?? outcome.Reason,
                    evidence, same, outcome.Elapsed);
        }
    }

    /// <summary>What the law's Observe says for this input now; an exception there is reported as an answer.</summary>
    public static Evidence? Observe(RegressionCase loaded, PropertyContext context)
    {
        try
        {
            return loaded.Property.Observe(context, loaded.Input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Evidence(new System.Text.Json.Nodes.JsonObject { ["exception"] = e.GetType().Name, ["message"] = e.Message }, null);
        }
    }
}
