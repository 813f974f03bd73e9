using System.Runtime.InteropServices;

namespace Xsave.Cli.Output;

/// <summary>
/// Whether an existing path is a regular file. .NET reports devices and FIFOs as plain files (File.Exists("/dev/null")
/// is true), and replacing one by rename would swap a device node for a file, so on Linux this asks statx(2), whose
/// struct layout is the same on every architecture. Elsewhere, or if the call is unavailable, "not a directory".
/// </summary>
public static class FileType
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode
    private const int TypeMask = 0xF000, Regular = 0x8000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int directoryFd, string path, int flags, uint mask, byte[] buffer);

    /// <summary>For a path that exists: true if it is (or links to) a regular file.</summary>
    public static bool IsRegularFile(string path)
    {
        if (Directory.Exists(path)) return false;
        if (!OperatingSystem.IsLinux()) return true;
        try
        {
            var buffer = new byte[256];
            if (StatX(AtFdCwd, path, 0, StatxType, buffer) != 0) return File.Exists(path);
            int mode = BitConverter.ToUInt16(buffer, ModeOffset);
            return (mode & TypeMask) == Regular;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }
}
