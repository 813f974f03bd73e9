using Xsave.Properties;
using Xsave.Properties.Running;
using Xsave.Properties.Comparison;

namespace Xsave.Gate.Regressions;

/// <summary>
/// One stored case re-checked against an implementation. <see cref="SameAsRecorded"/> says whether a failure gives
/// the same answer the file recorded (null when there is nothing to compare).
/// </summary>
public sealed record ReplayResult(
    string File,
    string Property,
    string Implementation,
    Verdict Verdict,
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
            case Verdict.NotApplicable:
                return new(loaded.File, loaded.Property.Name, subject, Verdict.NotApplicable, outcome.Reason, null, null, outcome.Elapsed);
            case Verdict.Pass:
                return new(loaded.File, loaded.Property.Name, subject, Verdict.Pass, null, null, null, outcome.Elapsed);
            default:
                var evidence = Observe(loaded, context);
                bool? same = evidence?.Observed is not null && loaded.Record.Observed is not null
                    ? CanonicalJson.Write(evidence.Observed) == CanonicalJson.Write(loaded.Record.Observed)
                    : null;
                return new(loaded.File, loaded.Property.Name, subject, Verdict.Diverge, outcome.Message ?? outcome.Reason,
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
