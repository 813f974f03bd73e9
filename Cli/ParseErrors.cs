using System.Text.RegularExpressions;

namespace Xsave.Cli;

/// <summary>
/// System.CommandLine's messages for a value of the wrong type name the .NET type ("as expected type
/// 'System.Nullable`1[System.Int32]'"); users get the kind of value instead.
/// </summary>
public static partial class ParseErrors
{
    public static string Friendly(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success) return message;
        var kind = m.Groups["type"].Value switch
        {
            var t when t.Contains("UInt64", StringComparison.Ordinal) => "a whole number from 0 to 18446744073709551615",
            var t when t.Contains("Int32", StringComparison.Ordinal) => "a whole number",
            var t when t.Contains("Double", StringComparison.Ordinal) => "a number",
            _ => "a value of the right kind",
        };
        return $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {kind}";
    }

    [GeneratedRegex(@"Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();
}
