using Xsave.Properties;

namespace Xsave.Gate.Running;

/// <summary>
/// How a run reports while it goes (modelled on FsCheck's IRunner and Stryker's IReporter): the Cli draws a live
/// display or prints a log line from these; the engine itself never writes to the console. Positions are 1-based.
/// </summary>
public interface IGateProgress
{
    void RunStarted(CheckPlan plan);

    void PropertyStarted(ConformanceProperty property, int position, int total);

    /// <summary>After each round: the cases run so far for the property.</summary>
    void CasesRun(ConformanceProperty property, int cases);

    void PropertyFinished(PropertyReport report, int position, int total);
}

/// <summary>A progress sink that ignores everything.</summary>
public sealed class NoProgress : IGateProgress
{
    public static NoProgress Instance { get; } = new();

    public void RunStarted(CheckPlan plan) { }
    public void PropertyStarted(ConformanceProperty property, int position, int total) { }
    public void CasesRun(ConformanceProperty property, int cases) { }
    public void PropertyFinished(PropertyReport report, int position, int total) { }
}
