using Spectre.Console;

namespace Xsave.Cli.Rendering;

/// <summary>
/// Spectre consoles over the runner's writers: colours and live displays only on a terminal; plain, wide text
/// (no ANSI codes, no wrapping at 80 columns) when stdout is a file, a pipe or a test's StringWriter.
/// </summary>
internal static class Consoles
{
    private const int PlainWidth = 200;

    public static IAnsiConsole For(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = PlainWidth;
        return console;
    }

    public static IAnsiConsole For(CliContext context) => For(context.Out, context.OutIsTerminal);

    /// <summary>A table cell holding text verbatim (brand strings may contain '[').</summary>
    public static Text Plain(string text, Style? style = null) => new(text, style ?? Style.Plain);
}
