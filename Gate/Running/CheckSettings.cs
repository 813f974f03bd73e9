namespace Xsave.Gate.Running;

/// <summary>
/// What 'check' was asked, before validation (the runner's options, one to one). Null means "not given".
/// </summary>
public sealed record CheckSettings
{
    /// <summary>--seed default: fixed, so two runs of the same tree check the same cases (CI determinism).</summary>
    public const ulong DefaultSeed = 1;

    /// <summary>Cases per property when neither --max-tests nor --time is given.</summary>
    public const int DefaultMaxTests = 100;

    /// <summary>--impl as given (null = the runner's default); the runner resolves it to the subject of the plan.</summary>
    public string? Implementation { get; init; }

    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>--max-tests: at most this many cases per property.</summary>
    public int? MaxTests { get; init; }

    /// <summary>The longest --time: a week (timers and deadlines stay far inside their ranges).</summary>
    public static readonly TimeSpan MaxTimeBudget = TimeSpan.FromDays(7);

    /// <summary>--time: the wall-clock budget of the whole run, shared out over the properties.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>--property globs; empty = every property.</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>--fail-fast: stop at the first property that fails; the rest are reported skipped.</summary>
    public bool FailFast { get; init; }

    /// <summary>--shard "K/N"; null = the whole selection.</summary>
    public string? Shard { get; init; }

    /// <summary>Where regression files are written (--regressions).</summary>
    public required string RegressionDirectory { get; init; }

    /// <summary>The CPU profiles the generators mix in (--cpus).</summary>
    public required string CpusDirectory { get; init; }
}
