using System.Collections.Concurrent;
using Xsave.Gate.Running;
using Xsave.Properties;
using Xsave.Properties.Comparison;

namespace Xsave.Cli.Commands;

/// <summary>
/// Ctrl-C during 'check'. The first asks the run to stop after the current round (the table of what ran is still
/// printed). A second one ends the process at once; but a failure already found is never hidden by it: the failed
/// properties and their saved regression files are listed on stderr and the exit code is 1 (130 only when nothing
/// failed). Files are written whole or not at all either way (<see cref="Gate.Regressions.AtomicFile"/>).
/// </summary>
public sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ConcurrentQueue<PropertyReport> _failed = new();
    private readonly TextWriter _error;
    private readonly Action<int> _exit;
    private Gate.Regressions.RegressionStore? _store;

    /// <param name="exit">How the process ends on the second Ctrl-C (tests pass their own).</param>
    public CtrlC(TextWriter error, Action<int>? exit = null, bool listen = true)
    {
        _error = error;
        _exit = exit ?? Environment.Exit;
        if (listen) Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The run's progress, with every failed property noted on the way through.</summary>
    public IGateProgress Watch(IGateProgress inner) => new Watching(inner, _failed);

    /// <summary>The run's regression store: a second Ctrl-C closes it and names every file it wrote, including one
    /// saved for a property that had not finished reporting.</summary>
    public CheckPlan Guard(CheckPlan plan)
    {
        Guard(plan.Store);
        return plan;
    }

    public void Guard(Gate.Regressions.RegressionStore store) => _store = store;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Interrupt();
    }

    /// <summary>What one Ctrl-C does (public for tests: a signal cannot be sent in-process).</summary>
    public void Interrupt()
    {
        if (!_source.IsCancellationRequested)
        {
            _source.Cancel();
            return;
        }
        // Closing the store first: a save under way finishes, no file is written after the list below.
        var documented = _store?.Close() ?? [];
        var failed = _failed.ToList();
        var unreported = documented.Except(failed.Select(p => p.Regression?.File).OfType<string>()).ToList();
        int count = failed.Count + unreported.Count;
        _error.WriteLine($"interrupted twice: stopped at once; {count} propert{(count == 1 ? "y" : "ies")} had failed");
        foreach (var p in failed)
            _error.WriteLine($"failed: {p.Name}" + (p.Regression?.File is { } file ? $"  saved: {GateOptions.Display(file)}" : ""));
        foreach (var file in unreported)
            _error.WriteLine($"failed: (still reporting)  saved: {GateOptions.Display(file)}");
        _error.Flush();
        _exit(count > 0 ? ExitCodes.CheckFailed : CheckCommand.Interrupted);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private sealed class Watching(IGateProgress inner, ConcurrentQueue<PropertyReport> failed) : IGateProgress
    {
        public void RunStarted(CheckPlan plan) => inner.RunStarted(plan);
        public void PropertyStarted(ConformanceProperty property, int position, int total) => inner.PropertyStarted(property, position, total);
        public void CasesRun(ConformanceProperty property, int cases) => inner.CasesRun(property, cases);

        public void PropertyFinished(PropertyReport report, int position, int total)
        {
            if (report.Verdict.Fails()) failed.Enqueue(report);
            inner.PropertyFinished(report, position, total);
        }
    }
}
