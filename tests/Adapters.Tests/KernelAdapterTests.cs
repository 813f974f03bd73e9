using System.Runtime.InteropServices;
using Xsave.Adapters.Kernel;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Oracle;
using Xsave.Properties;
using Xsave.Properties.Comparison;
using Xsave.Properties.Running;
using Xsave.TestSupport;

namespace Xsave.Adapters.Tests;

/// <summary>
/// --impl kernel: the live CPU through native/xsave-cpu. Where the helper was not built or cannot run, every test that
/// needs it is a reported skip with the adapter's own reason.
/// </summary>
public sealed class KernelAdapterTests : IDisposable
{
    private static readonly string ChildScript = Path.Combine(Corpus.RepositoryRoot, "tests", "Adapters.Tests", "children", "instructions_child.py");

    private readonly KernelImplementation _live = KernelImplementation.Start();

    public void Dispose() => _live.Dispose();

    private (CpuModel Cpu, FixedMachine Machine) LiveOrSkip()
    {
        Skip.If(_live.Capabilities.Parts == ContractPart.None, _live.Capabilities.MissingPartsReason ?? "the helper declares no part");
        return (_live.Capabilities.FixedCpu!, _live.Capabilities.FixedMachine!);
    }

    [SkippableFact]
    public void Helper_DeclaresTheInstructionsPartOnTheLiveCpuAtCpl3()
    {
        var (cpu, machine) = LiveOrSkip();
        Assert.Equal(ContractPart.Instructions, _live.Capabilities.Parts);
        Assert.False(_live.Capabilities.ObservesInternalState);
        Assert.Equal(3, machine.Cpl);
        Assert.False(machine.InitReset);
        // R8/R9: the kernel's XCR0 is a legal value of this CPU, with x87 and SSE (x86-64 Linux needs both).
        Assert.Empty(new OracleImplementation().Architecture(cpu).CheckXcr0(machine.Xcr0).Rejections);
        Assert.True(machine.Xcr0.Contains(XFeature.Fp) && machine.Xcr0.Contains(XFeature.Sse), machine.Xcr0.ToHex());
    }

    /// <summary>KO §1b: XGETBV(0) is XCR0, the value the kernel set and the handshake announced.</summary>
    [SkippableFact]
    public void Xgetbv0_ReturnsTheAnnouncedXcr0()
    {
        var (cpu, machine) = LiveOrSkip();
        var outcome = _live.Architecture(cpu).Execute(State(cpu, machine), new XgetbvOp(0));
        Assert.Null(outcome.Fault);
        Assert.Equal(machine.Xcr0.Bits, outcome.ReturnedValue);
    }

    /// <summary>KO §5d and §1b, measured with separate C programs on our machines: the fault each raises at CPL 3.</summary>
    [SkippableTheory]
    [InlineData("xsave misaligned by 16", FaultKind.GP)]
    [InlineData("xgetbv ecx=2", FaultKind.GP)]
    [InlineData("xsetbv at cpl3", FaultKind.GP)]
    [InlineData("xsaves at cpl3", FaultKind.GP)]
    [InlineData("xrstor xstate_bv bit 63", FaultKind.GP)]
    [InlineData("xrstor header byte 16", FaultKind.GP)]
    [InlineData("xrstor 64-byte buffer", FaultKind.PF)]
    public void KnownFaults_AreRaisedByTheLiveCpu(string what, FaultKind expected)
    {
        var (cpu, machine) = LiveOrSkip();
        var area = XsaveBuffer.Zeroed(BufferLength(cpu));
        ArchOperation op = what switch
        {
            "xsave misaligned by 16" => new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, area.At(XsaveBuffer.DefaultAddress + 16)),
            "xgetbv ecx=2" => new XgetbvOp(2),
            "xsetbv at cpl3" => new XsetbvOp(0, machine.Xcr0),
            "xsaves at cpl3" => new XsaveFamilyOp(XsaveInstruction.Xsaves, FeatureMask.All, area),
            "xrstor xstate_bv bit 63" => new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, area.WithXstateBv(new FeatureMask(1UL << 63))),
            "xrstor header byte 16" => new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, area.WithByte(XsaveImage.ReservedOffset, 1)),
            _ => new XsaveFamilyOp(XsaveInstruction.Xrstor, FeatureMask.All, XsaveBuffer.Zeroed(64)),
        };
        Skip.If(what == "xsaves at cpl3" && !cpu.HasXsaves, "the live CPU has no XSAVES: it raises #UD, not the #GP of CPL 3");
        var outcome = _live.Architecture(cpu).Execute(State(cpu, machine), op);
        Assert.Equal(expected, outcome.Fault?.Kind);
    }

    /// <summary>The instruction laws against the live CPU, with the oracle as the reference: each passes or is skipped
    /// with the reason (CPL 0, IA32_XFD, INIT/RESET), never fails.</summary>
    [SkippableFact]
    public void InstructionProperties_PassOrSkipAgainstTheLiveCpu()
    {
        LiveOrSkip();
        var context = new PropertyContext(_live, new OracleImplementation(), []);
        foreach (var property in Catalog.All.Where(p => p.Needs == ContractPart.Instructions))
        {
            if (property.SkipReason(_live) is { } why)
            {
                Assert.Contains("kernel:", why);
                continue;
            }
            var outcome = PropertyRunner.Run(property, context, new RunBudget(200, Seed: 7));
            Assert.True(outcome.Verdict == Verdict.Pass, outcome.Describe());
        }
    }

    /// <summary>A helper that crashes or hangs on a request: that request fails as unavailable (a harness error), the
    /// child is reaped, and the runner goes on.</summary>
    [SkippableTheory]
    [InlineData("crash", "exit status 9")]
    [InlineData("hang", "no answer within")]
    public void HelperCrashOrHang_IsAHarnessErrorNotACrash(string mode, string expected)
    {
        Skip.IfNot(Python.Available, Python.Missing);
        using var impl = KernelImplementation.Start(helper: mode, wrapper: ["python3", ChildScript], timeout: TimeSpan.FromSeconds(2));
        Assert.Equal(ContractPart.Instructions, impl.Capabilities.Parts);
        var cpu = impl.Capabilities.FixedCpu!;
        var e = Assert.ThrowsAny<ImplementationUnavailableException>(() =>
            impl.Architecture(cpu).Execute(State(cpu, impl.Capabilities.FixedMachine!), new XgetbvOp(0)));
        Assert.Contains("request 1 (execute)", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [SkippableFact]
    public void NoHelper_IsASkipWithTheBuildsReason()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64, "the reason differs off Linux x86-64");
        var dir = Directory.CreateTempSubdirectory("xsave-nohelper").FullName;
        try
        {
            Assert.Null(NativeHelper.Locate(out var reason, dir));
            Assert.Contains("native helper not built: no native/xsave-cpu", reason);
            Directory.CreateDirectory(Path.Combine(dir, "native"));
            File.WriteAllText(Path.Combine(dir, NativeHelper.ReasonFile), "no C compiler: 'gcc' or 'make' is not installed\n");
            Assert.Null(NativeHelper.Locate(out reason, dir));
            Assert.Equal("native helper not built: no C compiler: 'gcc' or 'make' is not installed", reason);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static MachineState State(CpuModel cpu, FixedMachine machine) =>
        MachineState.Init(cpu) with { Xcr0 = machine.Xcr0, Cpl = machine.Cpl };

    private static int BufferLength(CpuModel cpu) => ((int)cpu.EnabledStandardSize + 63) & ~63;
}
