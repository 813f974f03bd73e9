using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Protocol;
using Xsave.Contract.Serialization;

namespace Xsave.Adapters.Process;

/// <summary>
/// One kernel session on the child. When the implementation reports internal state, "boot" and "apply" ask for the
/// snapshot in the same request (one round trip per step instead of two); <see cref="Snapshot"/> returns it.
/// </summary>
internal sealed class ProcessKernel : IKernel
{
    private readonly ProcessImplementation _owner;
    private readonly string _session;
    private readonly int _generation;
    private readonly bool _observes;
    private KernelSnapshot? _latest;
    private KernelSnapshot? _lastReported; // what the server's "unchanged" refers to

    private ProcessKernel(ProcessImplementation owner, string session, int generation, BootSummary boot, KernelSnapshot? initial)
    {
        _owner = owner;
        _session = session;
        _generation = generation;
        _observes = owner.Capabilities.ObservesInternalState;
        Boot = boot;
        _latest = _lastReported = initial;
    }

    public BootSummary Boot { get; }

    public static ProcessKernel Start(ProcessImplementation owner, CpuModel cpu, KernelConfig config)
    {
        var (session, close) = owner.NewSession();
        bool observes = owner.Capabilities.ObservesInternalState;
        var (boot, snapshot) = owner.Call(ProtocolMethods.Boot, w =>
        {
            w.WriteString("session", session);
            w.WritePropertyName("cpu");
            w.WriteRawValue(CpuModelJson.Write(cpu).ToJsonString(), skipInputValidation: true);
            w.WritePropertyName("config");
            JsonSerializer.Serialize(w, config, ProtocolJson.Options);
            w.WriteBoolean("snapshot", observes);
            if (close.Count == 0) return;
            w.WriteStartArray("close");
            foreach (var s in close) w.WriteStringValue(s);
            w.WriteEndArray();
        }, r => (ProcessArchitecture.Read<BootSummary>(r.GetProperty("boot")), ReadSnapshot(r, observes, null)));
        return new ProcessKernel(owner, session, owner.Generation, boot, snapshot);
    }

    public KernelOutcome Apply(KernelOp op)
    {
        _latest = null;
        var (outcome, snapshot) = _owner.Call(ProtocolMethods.Apply, w =>
        {
            w.WriteString("session", _session);
            w.WritePropertyName("op");
            JsonSerializer.Serialize(w, op, ProtocolJson.Options);
            w.WriteBoolean("snapshot", _observes);
        }, r => (ProcessArchitecture.Read<KernelOutcome>(r.GetProperty("outcome")), ReadSnapshot(r, _observes, _lastReported)), _generation);
        _latest = snapshot;
        _lastReported = snapshot ?? _lastReported;
        return outcome;
    }

    public KernelSnapshot? Snapshot()
    {
        if (!_observes) return null;
        if (_latest is not null) return _latest;
        _latest = _owner.Call(ProtocolMethods.Snapshot, w => w.WriteString("session", _session),
            r => r.ValueKind == JsonValueKind.Null ? null : ProcessArchitecture.Read<KernelSnapshot>(r), _generation);
        _lastReported = _latest ?? _lastReported;
        return _latest;
    }

    /// <summary>The "snapshot" field: a snapshot, null, or "unchanged" (equal to <paramref name="last"/>).</summary>
    private static KernelSnapshot? ReadSnapshot(JsonElement result, bool wanted, KernelSnapshot? last)
    {
        if (!wanted || !result.TryGetProperty("snapshot", out var s) || s.ValueKind == JsonValueKind.Null) return null;
        if (s.ValueKind != JsonValueKind.String) return ProcessArchitecture.Read<KernelSnapshot>(s);
        return s.GetString() == "unchanged" && last is not null
            ? last
            : throw new JsonException($"snapshot: {s.GetRawText()} is neither a snapshot nor \"unchanged\" after one");
    }
}
