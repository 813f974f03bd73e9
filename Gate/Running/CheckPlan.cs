using Xsave.Contract.Implementations;
using Xsave.Gate.Regressions;
using Xsave.Gate.Selection;
using Xsave.Properties;

namespace Xsave.Gate.Running;

/// <summary>
/// A validated 'check': the subject and the reference, this shard's properties in catalogue order, the case budget,
/// and a regression store known to be writable. Built only by <see cref="TryCreate"/>, so a plan that exists can run.
/// </summary>
public sealed class CheckPlan
{
    private CheckPlan(CheckSettings settings, PropertyContext context, ShardSpec shard, IReadOnlyList<ConformanceProperty> properties,
        RegressionStore store)
    {
        Settings = settings;
        Context = context;
        Shard = shard;
        Properties = properties;
        Store = store;
    }

    public CheckSettings Settings { get; }
    public PropertyContext Context { get; }
    public IXstateImplementation Subject => Context.Subject;
    public ShardSpec Shard { get; }

    /// <summary>This shard's properties, in catalogue order.</summary>
    public IReadOnlyList<ConformanceProperty> Properties { get; }

    public RegressionStore Store { get; }
    public ulong Seed => Settings.Seed;
    public TimeSpan? TimeBudget => Settings.TimeBudget;

    /// <summary>Cases per property: --max-tests; unlimited under a time budget alone; else the default.</summary>
    public int? MaxTests => Settings.MaxTests ?? (Settings.TimeBudget is null ? CheckSettings.DefaultMaxTests : null);

    public static bool TryCreate(CheckSettings settings, IXstateImplementation subject, IXstateImplementation reference,
        out CheckPlan? plan, out GateError? error) =>
        TryCreate(settings, subject, reference, Catalog.All, out plan, out error);

    /// <summary>
    /// Validates every setting, cheapest first; the first problem is the error (exit 2 in the runner). The subject and
    /// the reference are chosen by the caller (the composition root), which resolved <see cref="CheckSettings.Implementation"/>.
    /// </summary>
    public static bool TryCreate(CheckSettings settings, IXstateImplementation subject, IXstateImplementation reference,
        IReadOnlyList<ConformanceProperty> catalogue, out CheckPlan? plan, out GateError? error)
    {
        plan = null;
        if (!TryValidate(settings, catalogue, out _, out _, out error)) return false;
        if (!GateContext.TryCreate(subject, reference, settings.CpusDirectory, out var context, out error)) return false;
        return TryCreate(settings, context!, catalogue, out plan, out error);
    }

    /// <summary>
    /// The same validation with a context made by the caller: runs of many subjects over one corpus (the mutants
    /// verb) load the CPU profiles once.
    /// </summary>
    public static bool TryCreate(CheckSettings settings, PropertyContext context, IReadOnlyList<ConformanceProperty> catalogue,
        out CheckPlan? plan, out GateError? error)
    {
        plan = null;
        if (!TryValidate(settings, catalogue, out var shard, out var selected, out error)) return false;
        var store = new RegressionStore(settings.RegressionDirectory);
        if (!store.TryEnsureWritable(out error)) return false;

        plan = new CheckPlan(settings, context, shard, shard.Take(selected!), store);
        return true;
    }

    private static bool TryValidate(CheckSettings settings, IReadOnlyList<ConformanceProperty> catalogue, out ShardSpec shard,
        out IReadOnlyList<ConformanceProperty>? selected, out GateError? error)
    {
        selected = null;
        if (!ShardSpec.TryParse(settings.Shard, out shard, out error)) return false;
        if (settings.MaxTests is <= 0)
        {
            error = new GateError($"--max-tests {settings.MaxTests} must be at least 1");
            return false;
        }
        if (settings.TimeBudget is { } budget && budget <= TimeSpan.Zero)
        {
            error = new GateError($"--time {budget.TotalSeconds} must be more than 0 seconds");
            return false;
        }
        if (settings.TimeBudget > CheckSettings.MaxTimeBudget)
        {
            error = new GateError($"--time {settings.TimeBudget.Value.TotalSeconds} is more than a week ({CheckSettings.MaxTimeBudget.TotalSeconds} seconds)");
            return false;
        }
        return PropertyFilter.TrySelect(catalogue, settings.Properties, out selected, out error);
    }

    /// <summary>The same plan with another run seed (one subject checked over many seeds).</summary>
    public CheckPlan WithSeed(ulong seed) => new(Settings with { Seed = seed }, Context, Shard, Properties, Store);
}
