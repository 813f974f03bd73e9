using System.Reflection;

namespace Xsave.Gate;

/// <summary>The tool's name and version as regression files and JUnit reports record them.</summary>
public static class ToolInfo
{
    public const string Name = "xsave-conformance";

    /// <summary>The informational version of this assembly (e.g. "0.1.0+commit" when the build knows the commit).</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string NameAndVersion => $"{Name} {Version}";
}
