using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xsave.Contract.Serialization;

namespace Xsave.Gate.Regressions;

/// <summary>
/// The on-disk form of a <see cref="RegressionRecord"/>: one indented JSON object with "format" and "version"
/// first. 64-bit seeds are decimal strings (JSON readers that use doubles would round them). Reading never throws:
/// an unreadable, corrupt, truncated or unknown-version file is a <see cref="GateError"/> naming the file.
/// </summary>
public static class RegressionFile
{
    public const string Format = "xsave-conformance/regression";
    public const int CurrentVersion = 1;

    public static string Write(RegressionRecord r)
    {
        var o = new JsonObject
        {
            ["format"] = Format,
            ["version"] = CurrentVersion,
            ["property"] = r.Property,
            ["rules"] = new JsonArray(r.Rules.Select(rule => (JsonNode?)JsonValue.Create(rule)).ToArray()),
            ["implementation"] = r.Implementation,
            ["reference"] = r.Reference,
        };
        var found = new JsonObject();
        if (r.RunSeed is { } runSeed) found["run_seed"] = Decimal(runSeed);
        if (r.PropertySeed is { } propertySeed) found["property_seed"] = Decimal(propertySeed);
        if (r.Round is { } round) found["round"] = round;
        if (r.Size is { } size) found["size"] = size;
        if (r.Cases is { } cases) found["cases"] = cases;
        if (r.Shrinks is { } shrinks) found["shrinks"] = shrinks;
        if (r.Replay is { } replay)
            found["replay"] = new JsonObject { ["seed"] = Decimal(replay.Seed), ["gamma"] = Decimal(replay.Gamma), ["size"] = replay.Size };
        o["found"] = found;
        o["input_text"] = r.InputText;
        o["input"] = r.Input.DeepClone();
        o["original_text"] = r.OriginalText;
        o["failure"] = r.Failure;
        o["observed"] = r.Observed?.DeepClone();
        o["expected"] = r.Expected?.DeepClone();
        o["date"] = r.Date?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        o["tool"] = r.Tool;
        return ReadableJson.Write(o) + "\n";
    }

    /// <summary>Reads and checks one file.</summary>
    public static bool TryRead(string path, out RegressionRecord? record, out GateError? error)
    {
        record = null;
        if (!BoundedText.TryRead(path, out var text, out var reason))
        {
            error = new GateError(reason == "is a directory, not a file" ? "is a directory, not a regression file" : reason!, path);
            return false;
        }
        return TryParse(text, path, out record, out error);
    }

    public static bool TryParse(string text, string? path, out RegressionRecord? record, out GateError? error)
    {
        record = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) { error = new GateError("empty file: not a regression file (truncated?)", path); return false; }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            error = new GateError(DescribeJsonError(text, e), path);
            return false;
        }
        using (doc)
        {
            var fields = new Fields(doc.RootElement, path);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return fields.Fail("is not a JSON object: not a regression file", out error);
            if (!fields.TryString("format", required: true, out var format)) return fields.Failed(out error);
            if (format != Format) return fields.Fail($"format '{format}' is not '{Format}': not a regression file", out error);
            if (!doc.RootElement.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
                return fields.Fail("field 'version' is missing or not an integer", out error);
            if (version != CurrentVersion)
                return fields.Fail(version > CurrentVersion
                    ? $"regression format version {version} is newer than this tool reads (version {CurrentVersion}); update {ToolInfo.Name}"
                    : $"regression format version {version} is not supported (this tool reads version {CurrentVersion})", out error);

            if (!fields.TryString("property", required: true, out var property) ||
                !fields.TryNode("input", required: true, out var input) ||
                !fields.TryStrings("rules", out var rules) ||
                !fields.TryString("implementation", required: false, out var implementation) ||
                !fields.TryString("reference", required: false, out var reference) ||
                !fields.TryString("input_text", required: false, out var inputText) ||
                !fields.TryString("original_text", required: false, out var originalText) ||
                !fields.TryString("failure", required: false, out var failure) ||
                !fields.TryNode("observed", required: false, out var observed) ||
                !fields.TryNode("expected", required: false, out var expected) ||
                !fields.TryString("date", required: false, out var dateText) ||
                !fields.TryString("tool", required: false, out var tool))
                return fields.Failed(out error);
            if (string.IsNullOrWhiteSpace(property)) return fields.Fail("field 'property' is empty", out error);

            DateTimeOffset? date = null;
            if (dateText is not null)
            {
                if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    return fields.Fail($"field 'date' '{dateText}' is not an ISO 8601 date", out error);
                date = parsed;
            }

            var hasFound = doc.RootElement.TryGetProperty("found", out var f) && f.ValueKind != JsonValueKind.Null;
            if (hasFound && f.ValueKind != JsonValueKind.Object) return fields.Fail("field 'found' must be an object", out error);
            var found = new Fields(hasFound ? f : default, path, "found.");
            ReplayTriple? replay = null;
            if (!found.TryULong("run_seed", out var runSeed) || !found.TryULong("property_seed", out var propertySeed) ||
                !found.TryInt("round", out var round) || !found.TryInt("size", out var size) ||
                !found.TryInt("cases", out var cases) || !found.TryInt("shrinks", out var shrinks))
                return found.Failed(out error);
            if (found.Element.ValueKind == JsonValueKind.Object && found.Element.TryGetProperty("replay", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                var triple = new Fields(r, path, "found.replay.");
                if (!triple.TryULong("seed", out var seed) || !triple.TryULong("gamma", out var gamma) || !triple.TryInt("size", out var replaySize))
                    return triple.Failed(out error);
                if (seed is null || gamma is null || replaySize is null)
                    return triple.Fail("field 'found.replay' needs seed, gamma and size", out error);
                replay = new ReplayTriple(seed.Value, gamma.Value, replaySize.Value);
            }

            record = new RegressionRecord
            {
                Property = property!,
                Input = input!,
                Rules = rules,
                Implementation = implementation,
                Reference = reference,
                RunSeed = runSeed,
                PropertySeed = propertySeed,
                Round = round,
                Size = size,
                Cases = cases,
                Shrinks = shrinks,
                Replay = replay,
                InputText = inputText,
                OriginalText = originalText,
                Failure = failure,
                Observed = observed,
                Expected = expected,
                Date = date,
                Tool = tool,
            };
            return true;
        }
    }

    private static JsonNode Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"truncated" when the text stops before the JSON document is complete, else where it is broken.</summary>
    private static string DescribeJsonError(string text, JsonException e)
    {
        long line = e.LineNumber ?? 0, column = e.BytePositionInLine ?? 0;
        var lines = text.TrimEnd().Split('\n');
        bool atEnd = line > lines.Length - 1 ||
                     (line == lines.Length - 1 && column >= Encoding.UTF8.GetByteCount(lines[^1].TrimEnd('\r')));
        return atEnd
            ? $"truncated: the JSON ends at line {lines.Length} before the document is complete"
            : $"not valid JSON at line {line + 1}, byte {column + 1}: {FirstSentence(e.Message)}";
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim().TrimEnd('.');
    }

    /// <summary>Typed access to the fields of one object; the first problem becomes the error.</summary>
    private sealed class Fields(JsonElement element, string? path, string prefix = "")
    {
        private GateError? _error;

        public JsonElement Element { get; } = element;

        private bool Has(string name, out JsonElement value)
        {
            value = default;
            return Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }

        public bool Fail(string message, out GateError? error)
        {
            error = new GateError(message, path);
            return false;
        }

        public bool Failed(out GateError? error)
        {
            error = _error;
            return false;
        }

        private bool Wrong(string name, string expected)
        {
            _error = new GateError($"field '{prefix}{name}' must be {expected}", path);
            return false;
        }

        public bool TryString(string name, bool required, out string? value)
        {
            value = null;
            if (!Has(name, out var e)) return !required || Wrong(name, "present (a string)");
            if (e.ValueKind != JsonValueKind.String) return Wrong(name, "a string");
            value = e.GetString();
            return true;
        }

        public bool TryNode(string name, bool required, out JsonNode? value)
        {
            value = null;
            if (!Has(name, out var e)) return !required || Wrong(name, "present");
            value = JsonNode.Parse(e.GetRawText());
            return true;
        }

        public bool TryStrings(string name, out IReadOnlyList<string> values)
        {
            values = [];
            if (!Has(name, out var e)) return true;
            if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                return Wrong(name, "an array of strings");
            values = e.EnumerateArray().Select(x => x.GetString()!).ToList();
            return true;
        }

        public bool TryInt(string name, out int? value)
        {
            value = null;
            if (!Has(name, out var e)) return true;
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var n)) return Wrong(name, "an integer");
            value = n;
            return true;
        }

        /// <summary>A 64-bit unsigned value, as a decimal string (as written) or a JSON number.</summary>
        public bool TryULong(string name, out ulong? value)
        {
            value = null;
            if (!Has(name, out var e)) return true;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var n)) { value = n; return true; }
            if (e.ValueKind == JsonValueKind.String &&
                ulong.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)) { value = n; return true; }
            return Wrong(name, "an unsigned 64-bit integer (decimal string or number)");
        }
    }
}
