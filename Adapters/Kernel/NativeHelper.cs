using System.Runtime.InteropServices;

namespace Xsave.Adapters.Kernel;

/// <summary>
/// Where the native helper native/xsave-cpu is (the build puts it next to the assemblies that reference this project),
/// or why there is none: the build's reason (native/xsave-cpu.unavailable), or the platform.
/// </summary>
public static class NativeHelper
{
    public const string RelativePath = "native/xsave-cpu";
    public const string ReasonFile = RelativePath + ".unavailable";

    /// <summary>The helper's path, or null with the reason it cannot be used on this machine.</summary>
    public static string? Locate(out string? reason, string? directory = null)
    {
        var root = directory ?? AppContext.BaseDirectory;
        if (!OperatingSystem.IsLinux()) { reason = $"native helper not available: it needs Linux (this is {RuntimeInformation.OSDescription})"; return null; }
        if (RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            reason = $"native helper not available: it needs x86-64 (this is {RuntimeInformation.OSArchitecture})";
            return null;
        }
        var path = Path.Combine(root, RelativePath);
        if (File.Exists(path)) { reason = null; return path; }
        var why = Path.Combine(root, ReasonFile);
        reason = "native helper not built: " + (File.Exists(why) ? File.ReadAllText(why).Trim() : $"no {RelativePath} next to the runner ({root})");
        return null;
    }
}
