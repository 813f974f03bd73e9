using System.Runtime.InteropServices;
using Xsave.Cli.Output;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Hostile;

/// <summary>
/// Issue 15 items 1, 9 and 11: a --junit path that is not a regular file (a device, a FIFO) is refused before the run
/// and stays what it was; a symbolic link is written through; an unusable path is refused before the run, so a
/// failing gate is never turned into exit 2 after the fact.
/// </summary>
public class OutputFileTests
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    private static string[] Check(TempDirectory dir, params string[] extra) =>
        ["check", "--property", "layout.standard.differential", "--max-tests", "5", "--regressions", Path.Combine(dir.Path, "regressions"), .. extra];

    [SkippableFact]
    public void Item1_JUnitToDevFull_IsRefusedBeforeTheRun_AndStaysADevice()
    {
        Skip.IfNot(File.Exists("/dev/full"), "no /dev/full on this system");
        using var dir = new TempDirectory();
        var run = CliRun.Of(Check(dir, "--junit", "/dev/full"));
        OneLine.AssertInputError(run, "/dev/full", "--junit", "not a regular file");
        Assert.Equal("", run.Stdout);
        Assert.False(FileType.IsRegularFile("/dev/full"));
    }

    [SkippableFact]
    public void Item1_JUnitToAFifo_IsRefused_AndStaysAFifo()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "mkfifo needs Linux");
        using var dir = new TempDirectory();
        var fifo = Path.Combine(dir.Path, "results.xml");
        Assert.Equal(0, MkFifo(fifo, Convert.ToUInt32("644", 8)));
        var run = CliRun.Of(Check(dir, "--junit", fifo));
        OneLine.AssertInputError(run, fifo, "--junit", "not a regular file");
        Assert.False(FileType.IsRegularFile(fifo));
    }

    [SkippableFact]
    public void Item1_JUnitThroughASymlink_WritesTheTarget_AndKeepsTheLink()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var dir = new TempDirectory();
        var target = dir.Write("target.xml", "old");
        var link = Path.Combine(dir.Path, "link.xml");
        File.CreateSymbolicLink(link, target);
        var run = CliRun.Of(Check(dir, "--junit", link));
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Contains("<testsuites", File.ReadAllText(target));
    }

    [Fact]
    public void Item11_JUnitToADirectory_WithAFailingGate_IsRefusedBeforeTheRun()
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of([.. Check(dir, "--junit", dir.Path), "--impl", GateFiles.H13]);
        OneLine.AssertInputError(run, dir.Path, "--junit", "is a directory");
        Assert.Equal("", run.Stdout);
        Assert.Empty(Directory.Exists(Path.Combine(dir.Path, "regressions")) ? Directory.GetFiles(Path.Combine(dir.Path, "regressions")) : []);
    }

    [Fact]
    public void Item9_EmptyJUnitPath_IsAnInputError()
    {
        using var dir = new TempDirectory();
        OneLine.AssertInputError(CliRun.Of(Check(dir, "--junit", "")), "--junit", "empty");
    }
}
