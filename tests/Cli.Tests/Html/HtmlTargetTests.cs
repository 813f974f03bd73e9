using System.Runtime.InteropServices;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Html;

/// <summary>
/// The --html path is checked before the verb does its work: a path that exists and is not a regular file, or whose
/// directory does not exist or cannot be written, is refused with one line naming it (exit 2), nothing runs and
/// nothing is written. A good path is written atomically: a whole page replaces the old one and no temp file is left.
/// </summary>
public class HtmlTargetTests
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    public static TheoryData<string> Verbs => new() { "layout", "check", "explain" };

    /// <summary>The verb's arguments, cheap ones: check runs one small law if the refusal were missing.</summary>
    private static string[] Args(string verb, TempDirectory dir) => verb switch
    {
        "layout" => ["layout", "--cpu", Pages.Spr],
        "check" => ["check", "--property", "layout.standard.differential", "--max-tests", "5", "--regressions", Corpus(dir)],
        _ => ["explain", Pages.SizesRegression],
    };

    private static string Corpus(TempDirectory dir)
    {
        var corpus = Path.Combine(dir.Path, "regressions");
        Directory.CreateDirectory(corpus);
        return corpus;
    }

    private static void AssertRefused(CliRun run, string path)
    {
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(path, line);
        Assert.Contains("--html", line);
        Assert.DoesNotContain(" at ", line);
        // Refused before the run: nothing of the verb's normal output.
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Html_DevNull_IsRefused_AndStaysADevice(string verb)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Of([.. Args(verb, dir), "--html", "/dev/null"]);
        AssertRefused(run, "/dev/null");
        Assert.Contains("not a regular file", run.Stderr);
        // Still the device: what is written to it is gone (a regular file put in its place would keep it).
        File.WriteAllText("/dev/null", "x");
        Assert.Equal("", File.ReadAllText("/dev/null"));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Html_Directory_IsRefused(string verb)
    {
        using var dir = new TempDirectory();
        var target = Directory.CreateDirectory(Path.Combine(dir.Path, "page.html")).FullName;
        var run = CliRun.Of([.. Args(verb, dir), "--html", target]);
        AssertRefused(run, target);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Html_MissingDirectory_IsRefused(string verb)
    {
        using var dir = new TempDirectory();
        var target = Path.Combine(dir.Path, "no-such-dir", "page.html");
        var run = CliRun.Of([.. Args(verb, dir), "--html", target]);
        AssertRefused(run, target);
        Assert.False(Directory.Exists(Path.GetDirectoryName(target)));
    }

    [Fact]
    public async Task Html_Fifo_IsRefused_WithoutOpeningIt()
    {
        Assert.True(OperatingSystem.IsLinux(), "the suite runs on Linux");
        using var dir = new TempDirectory();
        var fifo = Path.Combine(dir.Path, "page.html");
        Assert.Equal(0, MkFifo(fifo, Convert.ToUInt32("600", 8)));
        // Opening a FIFO would block until a reader comes: the refusal must not open it.
        var run = await Task.Run(() => CliRun.Of([.. Args("check", dir), "--html", fifo])).WaitAsync(TimeSpan.FromSeconds(60));
        AssertRefused(run, fifo);
        Assert.Empty(Directory.EnumerateFiles(Corpus(dir)));
    }

    [SkippableFact]
    public void Html_ReadOnlyDirectory_IsRefused_BeforeTheRun()
    {
        if (OperatingSystem.IsWindows()) throw new SkipException("Unix file modes do not apply on Windows");
        using var dir = new TempDirectory();
        var readOnly = Directory.CreateDirectory(Path.Combine(dir.Path, "read-only")).FullName;
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Skip.If(GateFiles.ChmodIsIneffective(readOnly), "running as root: a read-only directory is still writable");
            var target = Path.Combine(readOnly, "page.html");
            var run = CliRun.Of([.. Args("check", dir), "--html", target]);
            AssertRefused(run, target);
            Assert.Contains("not writable", run.Stderr);
        }
        finally
        {
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Html_ExistingRegularFile_IsReplacedWhole_NoTempFileLeft()
    {
        using var dir = new TempDirectory();
        var page = dir.Write("page.html", "old content");
        var run = CliRun.Of("layout", "--cpu", Pages.Spr, "--html", page);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var html = File.ReadAllText(page);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.EndsWith("</html>\n", html);
        Assert.Equal(["page.html"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Html_WithJson_StdoutIsStillExactlyOneJsonObject()
    {
        using var dir = new TempDirectory();
        var (run, _) = Pages.Write(dir, "page.html", "layout", "--cpu", Pages.Spr, "--json");
        Assert.Equal(Pages.Spr, run.Json().GetProperty("cpu").GetString());
    }
}
