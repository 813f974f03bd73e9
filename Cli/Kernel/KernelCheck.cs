namespace Xsave.Cli.Kernel;

public enum CheckResult { Agree, Disagree, Skipped }

/// <summary>
/// One comparison of the oracle's prediction for this host with what the real kernel or CPU did. Expected and observed
/// are short texts; the reason explains a skip or a disagreement; the rule names the SPEC rule (or KO section).
/// </summary>
public sealed record KernelCheck(string Group, string Name, CheckResult Result, string? Expected, string? Observed, string? Reason, string Rule)
{
    public static KernelCheck Compare(string group, string name, string rule, object? expected, object? observed, string? reason = null)
    {
        var e = Text(expected);
        var o = Text(observed);
        return new(group, name, e == o ? CheckResult.Agree : CheckResult.Disagree, e, o, e == o ? reason : reason ?? "observed differs from the oracle", rule);
    }

    public static KernelCheck Skip(string group, string name, string rule, string reason, object? expected = null, object? observed = null) =>
        new(group, name, CheckResult.Skipped, Text(expected), Text(observed), reason, rule);

    /// <summary>Numbers as the kernel returns them: negative values as -ERRNO names where known.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        ulong u => "0x" + u.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
        Contract.FeatureMask m => m.ToHex(),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A syscall/ioctl return value as text: "0", "4096" or "-EINVAL".</summary>
    public static string Rc(long value) =>
        value < 0 && Enum.IsDefined(typeof(Contract.Linux.Errno), (int)-value) ? $"-{(Contract.Linux.Errno)(int)-value}" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
