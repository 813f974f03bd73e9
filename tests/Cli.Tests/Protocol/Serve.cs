namespace Xsave.Cli.Tests.Protocol;

/// <summary>How the tests start implementations in a child process: this build of the runner's 'serve' verb.</summary>
public static class Serve
{
    /// <summary>The --impl value that checks <paramref name="implementation"/> through the protocol.</summary>
    public static string Impl(string implementation) =>
        $"process:dotnet '{typeof(Runner).Assembly.Location}' serve --impl {implementation}";
}
