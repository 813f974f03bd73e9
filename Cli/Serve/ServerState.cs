using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Contract.Protocol;
using Xsave.Contract.Serialization;

namespace Xsave.Cli.Serve;

/// <summary>
/// What a server keeps between requests: the architecture of each CPU it was asked about (by the CPU's JSON text,
/// a bounded cache) and the kernel sessions by id. Answers one method; throws on a request it cannot read.
/// </summary>
internal sealed class ServerState(IXstateImplementation implementation)
{
    private const int MaxCachedCpus = 256;
    private readonly Dictionary<string, ICpuArchitecture> _architectures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A booted kernel and the last snapshot sent for it (what "unchanged" refers to).</summary>
    private sealed class OpenSession(IKernel kernel)
    {
        public IKernel Kernel { get; } = kernel;
        public KernelSnapshot? LastSent { get; set; }
    }

    public void Answer(string method, JsonElement request, Utf8JsonWriter w)
    {
        switch (method)
        {
            case ProtocolMethods.Hello: ProtocolServer.WriteHello(implementation, w); break;
            case ProtocolMethods.StandardSize: w.WriteNumberValue(Arch(request).StandardSize(Mask(request, "mask"))); break;
            case ProtocolMethods.CompactedSize: w.WriteNumberValue(Arch(request).CompactedSize(Mask(request, "mask"))); break;
            case ProtocolMethods.StandardLayout: Write(w, Arch(request).StandardLayout(Mask(request, "mask"))); break;
            case ProtocolMethods.CompactedLayout: Write(w, Arch(request).CompactedLayout(Mask(request, "mask"))); break;
            case ProtocolMethods.CheckXcr0: Write(w, Arch(request).CheckXcr0(Mask(request, "value"))); break;
            case ProtocolMethods.CheckXss: Write(w, Arch(request).CheckXss(Mask(request, "value"))); break;
            case ProtocolMethods.CheckXfd: Write(w, Arch(request).CheckXfd(Mask(request, "value"))); break;
            case ProtocolMethods.Execute:
                Write(w, Arch(request).Execute(Read<MachineState>(request, "state"), Read<ArchOperation>(request, "operation")));
                break;
            case ProtocolMethods.Boot: Boot(request, w); break;
            case ProtocolMethods.Apply: Apply(request, w); break;
            case ProtocolMethods.Snapshot: WriteSnapshot(w, Session(request), allowUnchanged: false); break;
            case ProtocolMethods.Close:
                Close(request, "sessions");
                w.WriteNullValue();
                break;
            default: throw new NotSupportedException($"unknown method '{method}'");
        }
    }

    private void Boot(JsonElement request, Utf8JsonWriter w)
    {
        Close(request, "close");
        var session = Text(request, "session");
        if (_sessions.ContainsKey(session)) throw new ArgumentException($"session '{session}' is already open");
        var kernel = new OpenSession(implementation.Boot(Cpu(request), Read<KernelConfig>(request, "config")));
        _sessions[session] = kernel;
        w.WriteStartObject();
        w.WritePropertyName("boot");
        Write(w, kernel.Kernel.Boot);
        if (Wants(request, "snapshot"))
        {
            w.WritePropertyName("snapshot");
            WriteSnapshot(w, kernel, allowUnchanged: false);
        }
        w.WriteEndObject();
    }

    private void Apply(JsonElement request, Utf8JsonWriter w)
    {
        var session = Session(request);
        var outcome = session.Kernel.Apply(Read<KernelOp>(request, "op"));
        w.WriteStartObject();
        w.WritePropertyName("outcome");
        Write(w, outcome);
        if (Wants(request, "snapshot"))
        {
            w.WritePropertyName("snapshot");
            WriteSnapshot(w, session, allowUnchanged: true);
        }
        w.WriteEndObject();
    }

    /// <summary>The snapshot, or "unchanged" when it equals the last one sent for the session (most steps change
    /// little: this halves what a kernel step costs on the wire).</summary>
    private static void WriteSnapshot(Utf8JsonWriter w, OpenSession session, bool allowUnchanged)
    {
        var snapshot = session.Kernel.Snapshot();
        if (allowUnchanged && snapshot is not null && snapshot.Equals(session.LastSent))
        {
            w.WriteStringValue("unchanged");
            return;
        }
        Write(w, snapshot);
        session.LastSent = snapshot;
    }

    private OpenSession Session(JsonElement request)
    {
        var session = Text(request, "session");
        return _sessions.TryGetValue(session, out var kernel) ? kernel : throw new KeyNotFoundException($"no open session '{session}'");
    }

    /// <summary>Closes the sessions listed in <paramref name="field"/>; unknown ones are ignored (already gone).</summary>
    private void Close(JsonElement request, string field)
    {
        if (request.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var s in list.EnumerateArray())
                if (s.ValueKind == JsonValueKind.String) _sessions.Remove(s.GetString()!);
    }

    private ICpuArchitecture Arch(JsonElement request)
    {
        var key = Field(request, "cpu").GetRawText();
        if (_architectures.TryGetValue(key, out var arch)) return arch;
        if (_architectures.Count >= MaxCachedCpus) _architectures.Clear();
        return _architectures[key] = implementation.Architecture(Cpu(request));
    }

    private static CpuModel Cpu(JsonElement request) =>
        CpuModelJson.TryRead(Field(request, "cpu"), out var cpu, out var error) ? cpu! : throw new ArgumentException(error);

    private static FeatureMask Mask(JsonElement request, string field) => Field(request, field).Deserialize<FeatureMask>(ProtocolJson.Options);

    private static T Read<T>(JsonElement request, string field) where T : class =>
        Field(request, field).Deserialize<T>(ProtocolJson.Options) ?? throw new ArgumentException($"\"{field}\" is null");

    private static string Text(JsonElement request, string field) =>
        Field(request, field) is { ValueKind: JsonValueKind.String } s ? s.GetString()! : throw new ArgumentException($"\"{field}\" must be a string");

    private static bool Wants(JsonElement request, string field) =>
        request.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.True;

    private static JsonElement Field(JsonElement request, string field) =>
        request.TryGetProperty(field, out var value) ? value : throw new ArgumentException($"the request has no \"{field}\"");

    private static void Write<T>(Utf8JsonWriter w, T value) => JsonSerializer.Serialize(w, value, ProtocolJson.Options);
}
