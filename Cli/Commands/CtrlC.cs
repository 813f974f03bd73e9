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
        var failed = _failed.ToList();
        _error.WriteLine($"interrupted twice: stopped at once; {failed.Count} propert{(failed.Count == 1 ? "y" : "ies")} had failed");
        foreach (var p in failed)
            _error.WriteLine($"failed: {p.Name}" + (p.Regression?.File is { } file ? $"  saved: {GateOptions.Display(file)}" : ""));
        _error.Flush();
        _exit(failed.Count > 0 ? ExitCodes.CheckFailed : CheckCommand.Interrupted);
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
