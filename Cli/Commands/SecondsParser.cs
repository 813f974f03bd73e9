using System.CommandLine.Parsing;
using System.Globalization;

namespace Xsave.Cli.Commands;

/// <summary>
/// --time SECONDS: a finite decimal number. NaN, infinities and words are usage errors naming the option (not a
/// silent 0); the range (more than 0, at most a week) is the gate's check, so its message is the same in tests.
/// </summary>
public static class SecondsParser
{
    public static double? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
            return seconds;
        result.AddError($"--time '{text}' is not a number of seconds");
        return null;
    }

    /// <summary>Seconds as a span; values beyond what a span holds become its limits, which the gate then refuses.</summary>
    public static TimeSpan ToTimeSpan(double seconds) =>
        seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue
        : seconds <= TimeSpan.MinValue.TotalSeconds ? TimeSpan.MinValue
        : TimeSpan.FromSeconds(seconds);
}
