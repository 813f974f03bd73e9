using Xsave.Cli.Commands;
using Xsave.Cli.Composition;
using Xsave.Cli.Tests.Support;
using Xsave.Contract.Implementations;
using Xsave.Mutants;
using Xsave.Optimized;

namespace Xsave.Cli.Tests;

/// <summary>--impl on the verbs that ask one implementation: resolved through the registry, checked for the part.</summary>
public class ImplementationOptionTests
{
    private const string Spr = "intel-sapphirerapids-806f8";

    public static TheoryData<string> Verbs() => new()
    {
        $"layout --cpu {Spr}",
        $"boot --cpu {Spr}",
        "policies",
        "self-check",
        $"bench --cpu {Spr} --seconds 0.001",
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void UnknownName_IsOneLine_ListingTheKnownNames_Exit2(string command)
    {
        var run = CliRun.Of([.. command.Split(' '), "--impl", "nope", "--json"]);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: --impl: unknown implementation 'nope'; known: optimized, oracle", line);
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("layout", "--cpu", Spr)]
    [InlineData("boot", "--cpu", Spr)]
    [InlineData("policies")]
    [InlineData("self-check")]
    public void DefaultIsTheOracle_SameOutputAsNamingIt(params string[] args)
    {
        var implicitly = CliRun.Of([.. args, "--json"]);
        var named = CliRun.Of([.. args, "--json", "--impl", "oracle"]);
        Assert.Equal(ExitCodes.Ok, implicitly.ExitCode);
        Assert.Equal(implicitly.Stdout, named.Stdout);
    }

    [Fact]
    public void AMutant_AnswersLayout_WithItsBug()
    {
        // SPEC H13: compacted offsets ignore the 64-byte alignment of CPUID.(0xD,i).ECX[1]; on SPR AMX TILECFG is aligned.
        var oracle = CliRun.Of("layout", "--cpu", Spr, "--json").Json();
        var mutant = CliRun.Of("layout", "--cpu", Spr, "--json", "--impl", GateFiles.H13).Json();
        Assert.NotEqual(oracle.GetProperty("compacted").GetRawText(), mutant.GetProperty("compacted").GetRawText());
        Assert.Equal(oracle.GetProperty("standard").GetRawText(), mutant.GetProperty("standard").GetRawText());
    }

    [Fact]
    public void ImplementationLackingThePart_IsAClearError()
    {
        var registry = new ImplementationRegistry([new LayoutOnly()]);
        var stderr = new StringWriter();
        var context = new CliContext(new StringWriter(), stderr, OutIsTerminal: false, _ => null);

        Assert.NotNull(ImplementationOption.Resolve(context, "layout", "layout-only", "oracle", LayoutCommand.Needs, registry));
        Assert.Null(ImplementationOption.Resolve(context, "boot", "layout-only", "oracle", ContractPart.LinuxBoot, registry));
        Assert.Equal("error: --impl: implementation 'layout-only' does not implement LinuxBoot, which 'boot' needs",
            stderr.ToString().TrimEnd());
    }

    /// <summary>The optimized implementation declaring only layouts and register validity, as its own provider.</summary>
    private sealed class LayoutOnly() : MutantImplementation(new OptimizedImplementation()), IImplementationProvider
    {
        public IReadOnlyList<ImplementationInfo> Listed => [new(Name, Description)];
        public ImplementationLookup? TryResolve(string name) => name == Name ? ImplementationLookup.Found(this) : null;
        public override string Name => "layout-only";
        public override ImplementationCapabilities Capabilities { get; } = new(ContractPart.Layout | ContractPart.RegisterValidity);
        public override string Description => "layouts only";
        public override string Source => "test double";
    }
}
