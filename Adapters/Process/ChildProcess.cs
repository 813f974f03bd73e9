using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Xsave.Contract.Implementations;

namespace Xsave.Adapters.Process;

/// <summary>
/// One running child: lines to its stdin, lines from its stdout with a deadline, its stderr drained into a tail.
/// Every way it can go wrong (cannot start, exits, hangs, closes a pipe) ends in an
/// <see cref="ImplementationUnavailableException"/> that names the request, the exit status and the stderr tail,
/// and the child is killed with its whole process tree, so nothing outlives the runner.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly System.Diagnostics.Process _process;
    private readonly string _display;
    private readonly BlockingCollection<string?> _stdout = new(); // null marks end of file
    private readonly StderrTail _stderr = new();
    private readonly Thread _stderrReader;
    private string? _killedBecause;

    private ChildProcess(System.Diagnostics.Process process, string display)
    {
        _process = process;
        _display = display;
        // Dedicated readers: a blocked read of a hung child must never hold a thread-pool thread or the caller.
        new Thread(ReadStdout) { IsBackground = true, Name = "child stdout" }.Start();
        _stderrReader = new Thread(ReadStderr) { IsBackground = true, Name = "child stderr" };
        _stderrReader.Start();
    }

    public static ChildProcess Start(ProcessLaunch launch)
    {
        var info = new ProcessStartInfo(launch.Command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (var arg in launch.Command.Skip(1)) info.ArgumentList.Add(arg);
        try
        {
            var process = System.Diagnostics.Process.Start(info)
                          ?? throw new ImplementationUnavailableException($"{launch.Display}: the process did not start");
            return new ChildProcess(process, launch.Display);
        }
        catch (Win32Exception e)
        {
            throw new ImplementationUnavailableException($"process:{launch.Display}: cannot start '{launch.Command[0]}': {e.Message}", e);
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Writes one line (UTF-8, without its newline) in one write, so the child wakes up once per request (the
    /// auto-flushing StandardInput would write the newline separately); a child that closed its stdin is a failure.</summary>
    public void Send(ReadOnlySpan<byte> line, string request)
    {
        try
        {
            var whole = new byte[line.Length + 1];
            line.CopyTo(whole);
            whole[^1] = (byte)'\n';
            var stdin = _process.StandardInput.BaseStream;
            stdin.Write(whole);
            stdin.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            AwaitExit();
            throw Failure(request, $"could not send the request ({e.Message})");
        }
    }

    /// <summary>The next line of stdout within <paramref name="timeout"/>; end of file or the deadline is a failure.</summary>
    public string ReadLine(TimeSpan timeout, string request)
    {
        if (!_stdout.TryTake(out var line, timeout))
        {
            Kill($"no answer within {timeout.TotalSeconds:0.###} s");
            throw new ChildTimeoutException(Failure(request, $"no answer within {timeout.TotalSeconds:0.###} s (killed)").Message);
        }
        if (line is null)
        {
            AwaitExit();
            throw Failure(request, "the process closed its stdout before answering");
        }
        return line;
    }

    /// <summary>An exception for <paramref name="request"/> naming what happened, the exit status and the stderr tail.</summary>
    public ImplementationUnavailableException Failure(string request, string what)
    {
        return new ImplementationUnavailableException($"process:{_display}: {request}: {what}; {Status()}; {_stderr.Describe()}");
    }

    /// <summary>"exit status N", "killed (why)" or "still running (pid N)".</summary>
    public string Status()
    {
        if (_killedBecause is not null) return $"killed by the runner ({_killedBecause})";
        try
        {
            return _process.HasExited ? $"exit status {_process.ExitCode}" : $"still running (pid {_process.Id})";
        }
        catch (InvalidOperationException)
        {
            return "exit status unknown";
        }
    }

    /// <summary>Kills the child and everything it started, and reaps it.</summary>
    public void Kill(string why)
    {
        try
        {
            if (!_process.HasExited)
            {
                _killedBecause ??= why;
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone: nothing left to reap.
        }
    }

    public void Dispose()
    {
        try { _process.StandardInput.Close(); }
        catch (IOException) { /* the child is gone already */ }
        // A well-behaved server exits when its stdin closes; one that does not is killed.
        if (!_process.WaitForExit(TimeSpan.FromMilliseconds(500))) Kill("the runner is done with it");
        _process.Dispose();
    }

    /// <summary>A child that closed a pipe is usually exiting: wait a little, so its status and last stderr lines are
    /// in the message.</summary>
    private void AwaitExit()
    {
        if (_process.WaitForExit(TimeSpan.FromSeconds(2))) _stderrReader.Join(TimeSpan.FromMilliseconds(500));
    }

    private void ReadStdout()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line) _stdout.Add(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        _stdout.Add(null);
    }

    private void ReadStderr()
    {
        try
        {
            while (_process.StandardError.ReadLine() is { } line) _stderr.Add(line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
    }
}

/// <summary>The child did not answer in time: the slow kind of failure, which ends the restarting sooner.</summary>
internal sealed class ChildTimeoutException(string message) : ImplementationUnavailableException(message);
