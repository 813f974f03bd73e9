using Xsave.Cli.Composition;
using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;

namespace Xsave.Cli.Tests.Composition;

/// <summary>--impl names: the in-process implementations, and room for more providers.</summary>
public class ImplementationRegistryTests
{
    [Fact]
    public void Default_IsOptimized_AndListsOracleEveryMutantTheProcessSchemeAndTheMachine()
    {
        var registry = ImplementationRegistry.Default;
        Assert.Equal("optimized", registry.Resolve(null).Implementation!.Name);
        var inProcess = new[] { "optimized", "oracle" }.Concat(MutantCatalog.All(new OptimizedImplementation()).Select(m => m.Name)).ToList();
        Assert.Equal(inProcess.Append("process:<command>").Append("kernel").Append("qemu-user:<model>"), registry.Names);
        foreach (var name in inProcess) Assert.Equal(name, registry.Resolve(name).Implementation!.Name);
    }

    /// <summary>"qemu-user:" needs a model name; a name that could be an option or a path is refused before anything runs.</summary>
    [Theory]
    [InlineData("qemu-user:")]
    [InlineData("qemu-user:-d in_asm")]
    [InlineData("qemu-user:../x")]
    public void QemuUser_WithoutAModelName_IsAnError(string name)
    {
        var lookup = ImplementationRegistry.Default.Resolve(name);
        Assert.Null(lookup.Implementation);
        Assert.Contains("QEMU CPU model", lookup.Error!.Message);
    }

    [Fact]
    public void Reference_IsTheOracle() => Assert.Equal("oracle", ImplementationRegistry.Reference().Name);

    [Fact]
    public void UnknownName_IsAnErrorListingTheKnownOnes()
    {
        var lookup = ImplementationRegistry.Default.Resolve("mutant:nope");
        Assert.Null(lookup.Implementation);
        Assert.Contains("unknown implementation 'mutant:nope'", lookup.Error!.Message);
        Assert.Contains("optimized", lookup.Error.Message);
    }

    [Fact]
    public void AnotherProvider_ClaimsItsOwnScheme_WithoutChangingTheOthers()
    {
        var registry = new ImplementationRegistry([new InProcessImplementations(), new SchemeProvider()]);
        Assert.Equal("process:./my-impl", registry.Resolve("process:./my-impl").Implementation!.Name);
        Assert.Equal("optimized", registry.Resolve("optimized").Implementation!.Name);
        Assert.Contains("process:<command>", registry.Names);
    }

    /// <summary>A stand-in for the future out-of-process provider: owns every "process:" name.</summary>
    private sealed class SchemeProvider : IImplementationProvider
    {
        public IReadOnlyList<ImplementationInfo> Listed { get; } = [new("process:<command>", "an implementation in another process")];

        public ImplementationLookup? TryResolve(string name) =>
            name.StartsWith("process:", StringComparison.Ordinal) ? ImplementationLookup.Found(new Named(name)) : null;

        private sealed class Named(string name) : MutantImplementation(new OptimizedImplementation())
        {
            public override string Name => name;
            public override string Description => "stub";
            public override string Source => "test double";
            public override ImplementationCapabilities Capabilities { get; } = new(ContractPart.None);
        }
    }
}
