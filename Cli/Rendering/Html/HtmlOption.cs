using System.CommandLine;

namespace Xsave.Cli.Rendering.Html;

/// <summary>The --html FILE option that 'layout', 'check' and 'explain' share.</summary>
public static class HtmlOption
{
    public static Option<string?> Create() => new("--html")
    {
        Description = "Also write the result as one self-contained HTML page (inline CSS and SVG, nothing fetched) to FILE.",
        HelpName = "FILE",
    };
}
