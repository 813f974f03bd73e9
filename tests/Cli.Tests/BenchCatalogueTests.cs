using Xsave.BenchCore;
using Xsave.Cli.Tests.Support;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Oracle;

namespace Xsave.Cli.Tests;

/// <summary>
/// The benchmark catalogue (BenchCore) measures what it says: its random XCR0 values are ones XSETBV accepts (R8/R9,
/// judged by the oracle), its "rejected" values are ones it refuses, the bare-lookup table holds real R14 sizes, and
/// an implementation without a contract part is reported as not supporting it instead of crashing the run.
/// </summary>
public class BenchCatalogueTests
{
    [Theory]
    [MemberData(nameof(RawCorpus.AllIds), MemberType = typeof(RawCorpus))]
    public void BenchInputs_Xcr0Values_AreAcceptedByXsetbv_R8_R9(string id)
    {
        var cpu = Cpu(id);
        var oracle = new OracleImplementation().Architecture(cpu);
        var inputs = BenchInputs.For(cpu);
        Assert.All(inputs.Xcr0, x => Assert.True(oracle.CheckXcr0(x).Valid, $"{x} should be valid on {id}"));
        Assert.All(inputs.InvalidXcr0, x => Assert.False(oracle.CheckXcr0(x).Valid, $"{x} should be refused on {id}"));
    }

    [Theory]
    [MemberData(nameof(RawCorpus.AllIds), MemberType = typeof(RawCorpus))]
    public void BenchInputs_XcompBv_IsXcr0PlusSupportedXss_WithTheCompactedBit_R52(string id)
    {
        var cpu = Cpu(id);
        var inputs = BenchInputs.For(cpu);
        for (int i = 0; i < BenchInputs.Count; i++)
        {
            var x = inputs.XcompBv[i];
            Assert.True(x.Contains(XFeatures.CompactedFormatBit));
            Assert.True(inputs.Xcr0[i].IsSubsetOf(x));
            Assert.True(x.Except(inputs.Xcr0[i]).Without(XFeatures.CompactedFormatBit).IsSubsetOf(cpu.SupportedXss));
        }
    }

    [Fact]
    public void BareLookupTable_HoldsTheStandardSizeOfEachValue_R14()
    {
        // R4 anchors: with every supported XCR0 bit the size is CPUID.(0xD,0).ECX (0x2B00 on Sapphire Rapids).
        var cpu = Cpu(OperationCatalogue.DefaultCpu);
        var oracle = new OracleImplementation().Architecture(cpu);
        var inputs = BenchInputs.For(cpu);
        for (int i = 0; i < BenchInputs.Count; i++)
            Assert.Equal(oracle.StandardSize(inputs.Xcr0[i]), inputs.LookupTable[inputs.LookupIndex[i]]);
        Assert.Equal(0x2B00, oracle.StandardSize(cpu.SupportedXcr0));
    }

    [Fact]
    public void BenchInputs_AreTheSameForTheSameSeed()
    {
        var cpu = Cpu(OperationCatalogue.DefaultCpu);
        Assert.Equal(BenchInputs.For(cpu).Xcr0, BenchInputs.For(cpu).Xcr0);
        Assert.NotEqual(BenchInputs.For(cpu, 1).Xcr0, BenchInputs.For(cpu, 2).Xcr0);
    }

    [Fact]
    public void Prepare_PartNotDeclared_IsNotSupported_NamingTheImplementationAndPart()
    {
        var cpu = Cpu(OperationCatalogue.DefaultCpu);
        var partial = new Partial(new OracleImplementation(), ContractPart.Architecture | ContractPart.LinuxBoot, bootThrows: false);
        var prepared = OperationCatalogue.Find("kvm-set-xsave")!.Prepare(partial, cpu, BenchInputs.For(cpu));
        Assert.False(prepared.Supported);
        Assert.Equal("not supported by partial: it does not declare Kvm", prepared.Unavailable);
    }

    [Fact]
    public void Prepare_BootThrowsNotSupported_IsNotSupported_NotACrash()
    {
        var cpu = Cpu(OperationCatalogue.DefaultCpu);
        var partial = new Partial(new OracleImplementation(), ContractPart.All, bootThrows: true);
        var prepared = OperationCatalogue.Find("arch-req-xcomp-perm")!.Prepare(partial, cpu, BenchInputs.For(cpu));
        Assert.False(prepared.Supported);
        Assert.Equal("not supported by partial: no kernel yet", prepared.Unavailable);
    }

    [Theory]
    [InlineData("uabi-header-validation")]
    [InlineData("kvm-set-xsave")]
    [InlineData("arch-req-xcomp-perm")]
    [InlineData("arch-req-xcomp-perm-first")]
    public void Prepare_Oracle_LinuxOperationsReachTheirMeasuredPath_OnSapphireRapids(string name)
    {
        // Preparation checks each set-up step against SPEC (REQ(18) = 0 with AMX, R65; XCOMP_BV != 0 -> -EINVAL, R68;
        // a valid 4 KiB KVM_SET_XSAVE = 0, R89); a refusal would make the operation unavailable.
        var cpu = Cpu(OperationCatalogue.DefaultCpu);
        var prepared = OperationCatalogue.Find(name)!.Prepare(new OracleImplementation(), cpu, BenchInputs.For(cpu));
        Assert.True(prepared.Supported, prepared.Unavailable);
        prepared.Loop!.Run(3);
    }

    private static CpuModel Cpu(string id) => CpuProfileLoader.LoadFile(RawCorpus.PathOf(id)).Profiles.Single().ToCpuModel();

    /// <summary>An implementation declaring only some parts, or whose kernel is not written yet.</summary>
    private sealed class Partial(IXstateImplementation inner, ContractPart parts, bool bootThrows) : IXstateImplementation
    {
        public string Name => "partial";
        public string Description => "test double";
        public ImplementationCapabilities Capabilities { get; } = new(parts);
        public ICpuArchitecture Architecture(CpuModel cpu) => inner.Architecture(cpu);

        public IKernel Boot(CpuModel cpu, KernelConfig config) =>
            bootThrows ? throw new NotSupportedException("no kernel yet") : inner.Boot(cpu, config);
    }
}
