using System.CommandLine;
using Xsave.Contract;

namespace Xsave.Cli;

/// <summary>Options several verbs share, built fresh for each command that uses them.</summary>
public static class CommonOptions
{
    public const string VerboseName = "--verbose";

    public static Option<bool> Verbose() => new(VerboseName)
    {
        Description = "On an internal error, print the stack trace (also XSAVE_DEBUG=1).",
        Recursive = true,
    };

    /// <summary>Seconds one request to a process implementation (--impl process:...) may take.</summary>
    public static Option<double?> ImplTimeout() => new("--impl-timeout")
    {
        Description = "Seconds one request to a process implementation (--impl process:COMMAND) may take before the child is killed (default 10).",
        HelpName = "SECONDS",
        Recursive = true,
    };

    /// <summary>Extra arguments for a process implementation's command, as they are (no splitting).</summary>
    public static Option<string[]> ImplArg() => new("--impl-arg")
    {
        Description = "An extra argument for the process implementation's command (repeatable; passed as is).",
        HelpName = "ARG",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one JSON document for machines instead of the human table.",
    };

    public const string CpusName = "--cpus";

    /// <summary>The one option for CPU profiles, on every verb that reads them.</summary>
    public static Option<string?> Cpus() => Directory(CpusName,
        "Directory of CPU profiles (default: <repo>/corpus/cpus, or $XSAVE_CORPUS).");

    /// <summary>A directory option (an empty value is refused for every option by <see cref="ArgumentChecks"/>).</summary>
    public static Option<string?> Directory(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DIR",
    };

    public static Option<string> Cpu() => new("--cpu")
    {
        Description = "A corpus profile id (see 'cpus') or the path of a JSON file holding one profile object.",
        HelpName = "PROFILE",
        Required = true,
    };

    /// <summary>A 64-bit register mask in hex ("0x2e7" or "2e7"); anything else is a usage error (exit 2).</summary>
    public static Option<FeatureMask?> Mask(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "HEX",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
            if (FeatureMask.TryParseHex(text, out var mask)) return mask;
            result.AddError($"{name} '{text}' is not a hex mask such as 0x2e7 (at most 16 hex digits)");
            return null;
        },
    };
}
