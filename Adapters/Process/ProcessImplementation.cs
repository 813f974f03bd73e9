using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Protocol;

namespace Xsave.Adapters.Process;

/// <summary>
/// An implementation in another process (docs/protocol.md). Every contract call is one request to the child. When a
/// child dies, hangs or speaks garbage, that request fails (<see cref="ImplementationUnavailableException"/>, a
/// harness error) and the next one starts a fresh child — unless <see cref="ProcessLaunch.MaxConsecutiveFailures"/>
/// slow failures (timeouts, failed starts) happened in a row. Kernels booted on a child that has since been replaced are lost: their calls fail. Requests are
/// serialized (the gate may abandon a hung round on one thread and go on on another). Dispose reaps the child.
/// </summary>
public sealed class ProcessImplementation : IXstateImplementation, IDisposable
{
    /// <summary>Kernel sessions kept open on the child; older ones are closed (the contract has no "close").</summary>
    public const int MaxOpenSessions = 16;

    private readonly object _gate = new();
    private readonly ProcessLaunch _launch;
    private readonly Handshake _hello;
    private readonly Queue<string> _openSessions = new();
    private ProtocolConnection? _live;
    private int _failuresInARow;
    private string? _lastFailure;
    private long _nextSession;
    private bool _disposed;

    private ProcessImplementation(ProcessLaunch launch, ProtocolConnection first)
    {
        _launch = launch;
        _live = first;
        _hello = first.Hello;
    }

    /// <summary>Starts the child and reads its handshake; throws <see cref="ImplementationUnavailableException"/>.</summary>
    public static ProcessImplementation Start(ProcessLaunch launch) => new(launch, ProtocolConnection.Open(launch));

    /// <summary>"process:COMMAND", so a replay hint or a regression file names something --impl can start again.</summary>
    public string Name => ProcessLaunch.Scheme + _launch.Display;

    /// <summary>What the child calls itself in the handshake, and its description.</summary>
    public string Description => $"{_hello.Name}: {_hello.Description}";
    public ImplementationCapabilities Capabilities => _hello.Capabilities;

    /// <summary>The live child's process id, or null when there is none (for diagnostics and tests).</summary>
    public int? ChildId
    {
        get
        {
            lock (_gate) return _live is { Healthy: true } live ? live.ChildId : null;
        }
    }

    /// <summary>How many children have been started so far (1 until the first restart).</summary>
    public int Generation { get; private set; } = 1;

    public ICpuArchitecture Architecture(CpuModel cpu) => new ProcessArchitecture(this, cpu);

    public IKernel Boot(CpuModel cpu, KernelConfig config) => ProcessKernel.Start(this, cpu, config);

    /// <summary>
    /// One request: <paramref name="writeParams"/> writes its fields, <paramref name="read"/> reads the result. With
    /// <paramref name="generation"/>, the request belongs to that child and fails if it has been replaced.
    /// </summary>
    internal T Call<T>(string method, Action<Utf8JsonWriter> writeParams, Func<JsonElement, T> read, int? generation = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (generation is { } g && (g != Generation || _live is not { Healthy: true }))
                throw new ImplementationUnavailableException($"process:{_launch.Display}: {method}: the kernel session was lost when its child " +
                                                             $"failed ({_lastFailure ?? "replaced"})");
            var connection = Connection();
            try
            {
                var answer = connection.Call(method, writeParams, read);
                _failuresInARow = 0;
                return answer;
            }
            catch (ImplementationUnavailableException e) when (!connection.Healthy)
            {
                if (e is ChildTimeoutException) _failuresInARow++;
                _lastFailure = e.Message;
                throw;
            }
        }
    }

    /// <summary>A new session id on the current child, and the oldest ones to close so at most
    /// <see cref="MaxOpenSessions"/> stay open.</summary>
    internal (string Session, IReadOnlyList<string> Close) NewSession()
    {
        lock (_gate)
        {
            var session = "s" + ++_nextSession;
            var close = new List<string>();
            while (_openSessions.Count >= MaxOpenSessions) close.Add(_openSessions.Dequeue());
            _openSessions.Enqueue(session);
            return (session, close);
        }
    }

    private ProtocolConnection Connection()
    {
        if (_live is { Healthy: true }) return _live;
        if (_failuresInARow >= _launch.MaxConsecutiveFailures)
            throw new ImplementationUnavailableException($"process:{_launch.Display}: not restarted after {_failuresInARow} timeouts or failed starts in a row; the last: {_lastFailure}");
        _live?.Dispose();
        _live = null;
        _openSessions.Clear();
        try
        {
            _live = ProtocolConnection.Open(_launch);
            Generation++;
        }
        catch (ImplementationUnavailableException e)
        {
            _failuresInARow++;
            _lastFailure = e.Message;
            throw;
        }
        if (_live.Hello.Name != _hello.Name || _live.Hello.Capabilities.Parts != _hello.Capabilities.Parts)
        {
            _failuresInARow = _launch.MaxConsecutiveFailures;
            _lastFailure = $"the restarted child is '{_live.Hello.Name}' with {_live.Hello.Capabilities.Parts}, not '{_hello.Name}' with {_hello.Capabilities.Parts}";
            _live.Dispose();
            _live = null;
            throw new ImplementationUnavailableException($"process:{_launch.Display}: {_lastFailure}");
        }
        return _live;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _live?.Dispose();
            _live = null;
        }
    }
}
