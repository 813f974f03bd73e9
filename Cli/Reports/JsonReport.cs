using System.Text.Encodings.Web;
using System.Text.Json;

namespace Xsave.Cli.Reports;

/// <summary>Writes a report record as one indented JSON document (key order = declaration order of the record).</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Brand strings such as "Intel(R) Core(TM)" and paths stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write<T>(TextWriter output, T report) =>
        output.WriteLine(JsonSerializer.Serialize(report, Options));
}
