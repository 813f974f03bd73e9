using Xsave.Cli.Output;

namespace Xsave.Cli.Rendering.Html;

/// <summary>The file named by --html: an <see cref="OutputFile"/> (checked before the verb runs, written atomically).</summary>
public static class HtmlTarget
{
    public const string Option = "--html";

    /// <summary>The one-line reason the path cannot take the page, or null if it can.</summary>
    public static string? Problem(string path) => OutputFile.Problem(path, Option);

    /// <summary>Writes the page, replacing an earlier one; the one-line reason on failure, else null.</summary>
    public static string? Write(string path, string html) => OutputFile.Write(path, html, Option);
}
