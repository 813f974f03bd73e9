using System.Buffers;
using System.Text.Json;
using Xsave.Contract.Implementations;
using Xsave.Contract.Protocol;

namespace Xsave.Adapters.Process;

/// <summary>
/// One child speaking the protocol: the handshake, then one request line and one response line at a time, matched
/// by id. A child that answers garbage, a partial line, the wrong id, or nothing in time is broken: it is killed and
/// the request fails (<see cref="ImplementationUnavailableException"/>). A well-formed "error" answer is the
/// child saying it cannot answer: the request fails, the child lives on.
/// </summary>
internal sealed class ProtocolConnection : IDisposable
{
    private readonly ChildProcess _child;
    private readonly ProcessLaunch _launch;
    private long _nextId;

    private ProtocolConnection(ChildProcess child, ProcessLaunch launch)
    {
        _child = child;
        _launch = launch;
    }

    public Handshake Hello { get; private set; } = null!;

    public int ChildId => _child.Id;

    /// <summary>False once the child has been killed or found dead: the next request needs a new child.</summary>
    public bool Healthy { get; private set; } = true;

    public static ProtocolConnection Open(ProcessLaunch launch)
    {
        var connection = new ProtocolConnection(ChildProcess.Start(launch), launch);
        try
        {
            connection.Hello = connection.Call(ProtocolMethods.Hello, w => w.WriteNumber("protocol", ProtocolJson.Version), result =>
                Handshake.TryRead(result, out var hello, out var error) ? hello! : throw new FormatException(error), launch.StartTimeout);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and reads its answer with <paramref name="read"/>; see the type for failures.</summary>
    public T Call<T>(string method, Action<Utf8JsonWriter> writeParams, Func<JsonElement, T> read, TimeSpan? timeout = null)
    {
        long id = _nextId++;
        string request = $"request {id} ({method})";
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("method", method);
            writeParams(writer);
            writer.WriteEndObject();
        }
        string line;
        try
        {
            _child.Send(buffer.WrittenSpan, request);
            line = _child.ReadLine(timeout ?? _launch.Timeout, request);
        }
        catch (ImplementationUnavailableException)
        {
            Break("the request failed");
            throw;
        }
        return Answer(line, id, request, read);
    }

    private T Answer<T>(string line, long id, string request, Func<JsonElement, T> read)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Broken(request, $"answered a line that is not JSON ({e.Message}): {Excerpt(line)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Broken(request, $"answered something that is not a JSON object: {Excerpt(line)}");
            if (!root.TryGetProperty("id", out var answered) || !answered.TryGetInt64(out var answeredId) || answeredId != id)
                throw Broken(request, $"answered {(answered.ValueKind == JsonValueKind.Undefined ? "without an id" : "id " + answered.GetRawText())}: {Excerpt(line)}");
            if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
                throw new ImplementationUnavailableException($"process:{_launch.Display}: {request}: the implementation answered an error: " +
                                                             (error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText()));
            if (!root.TryGetProperty("result", out var result)) throw Broken(request, $"answered neither a result nor an error: {Excerpt(line)}");
            try
            {
                return read(result);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or KeyNotFoundException)
            {
                // A result of the wrong shape: a bad answer, but the child itself may be fine.
                throw new ImplementationUnavailableException($"process:{_launch.Display}: {request}: the result is not what the protocol says: {e.Message}: {Excerpt(result.GetRawText())}");
            }
        }
    }

    private ImplementationUnavailableException Broken(string request, string what)
    {
        Break("protocol error");
        return _child.Failure(request, what);
    }

    private void Break(string why)
    {
        if (!Healthy) return;
        Healthy = false;
        _child.Kill(why);
    }

    private static string Excerpt(string text) => text.Length <= 120 ? text : text[..120] + "…";

    public void Dispose() => _child.Dispose();
}
