using System.Globalization;
using System.Text.RegularExpressions;

namespace Xsave.Gate.Expectations;

/// <summary>Compares the first dotted number of two version strings ("qemu-x86_64 version 7.2.22 (Debian ...)" vs
/// "7.2"): component by component, a missing component is 0.</summary>
public static partial class DottedVersion
{
    [GeneratedRegex(@"\d+(\.\d+)+")]
    private static partial Regex Dotted();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Plain();

    /// <summary>The first dotted number in <paramref name="text"/> ("86" of "x86_64" is not a version), else the first
    /// number, or null.</summary>
    public static string? Find(string? text) =>
        text is null ? null
        : Dotted().Match(text) is { Success: true } m ? m.Value
        : Plain().Match(text) is { Success: true } n ? n.Value : null;

    public static int Compare(string a, string b)
    {
        var x = Parts(a);
        var y = Parts(b);
        for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    private static long[] Parts(string text) =>
        (Find(text) ?? "0").Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue).ToArray();
}
