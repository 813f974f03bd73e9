using System.Text;

namespace Xsave.Contract.Serialization;

/// <summary>
/// Reads an input file (CPU profile, scenario, regression file) with a size limit, so a device such as /dev/zero or a
/// runaway file is one error line instead of reading until memory runs out. Never throws on a bad path.
/// </summary>
public static class BoundedText
{
    /// <summary>4 MiB: ten times the largest input the project ships (shared/cpus/profiles.json, 400 KB).</summary>
    public const int DefaultLimit = 4 << 20;

    /// <summary>The file's text (UTF-8), or the one-line reason it cannot be read.</summary>
    public static bool TryRead(string path, out string text, out string? error, int limit = DefaultLimit)
    {
        text = "";
        error = null;
        try
        {
            if (Directory.Exists(path)) { error = "is a directory, not a file"; return false; }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            var buffer = new byte[Math.Min(limit + 1, 1 << 16)];
            using var bytes = new MemoryStream();
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                bytes.Write(buffer, 0, n);
                if (bytes.Length > limit) { error = $"is larger than {limit} bytes: not an input file (a device or a runaway file?)"; return false; }
            }
            text = new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
            if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot read: {e.Message}";
            return false;
        }
    }
}
