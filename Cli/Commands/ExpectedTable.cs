using Xsave.Cli.Profiles;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Commands;

/// <summary>Where the expected-failure table is, and the version its entries are matched against.</summary>
public static class ExpectedTable
{
    public static string Path(string? option) =>
        !string.IsNullOrWhiteSpace(option)
            ? System.IO.Path.GetFullPath(option)
            : System.IO.Path.Combine(CorpusLocator.RepositoryRoot() ?? Directory.GetCurrentDirectory(), "docs", "findings",
                Gate.Expectations.ExpectedFailures.FileName);

    /// <summary>The subject's version where it has one (the emulator's, e.g. "7.2.22" for qemu-user), else null.</summary>
    public static string? VersionOf(IXstateImplementation subject) =>
        subject is Adapters.Kernel.KernelImplementation kernel ? kernel.EmulatorVersion : null;
}
