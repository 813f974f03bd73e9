using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Generators;
using Xsave.TestSupport;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// Historical host-side bugs of SPEC part E put back as mutants (issue 16's kill list): each changes what the kernel
/// answers, and the default gate's law catches it with a small counterexample.
/// </summary>
public class HostHistoricalMutantTests(ITestOutputHelper output)
{
    private static readonly CpuModel Spr = Corpus.Cpu("intel-sapphirerapids-806f8"); // PKRU enumerated

    [Fact]
    public void H18_a_ptrace_pkru_write_is_lost_under_the_mutant_and_kept_by_the_kernel()
    {
        const uint written = 0x1234_5678;
        int full = (int)Spr.MaxStandardSize;
        int pkruAt = Spr.StandardOffset((int)XFeature.Pkru); // CPUID(0xD, 9).EBX
        // A valid image: FP, SSE and PKRU present, PKRU = written (R69: bit set -> thread.pkru = value).
        var image = KernelOpGen.BuildImage(Spr, full, FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Pkru), 0, 0x1F80, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(pkruAt, 4), written);

        uint PkruAfter(IXstateImplementation impl)
        {
            var kernel = impl.Boot(Spr, KernelConfig.Default);
            Assert.Equal(0, kernel.Apply(new PtraceSetXstateOp(1, 0, image)).Result);
            var regset = kernel.Apply(new PtraceGetXstateOp(1, 0, full)).Data!;
            return BinaryPrimitives.ReadUInt32LittleEndian(regset.AsSpan(pkruAt, 4));
        }

        Assert.Equal(written, PkruAfter(new OptimizedImplementation()));
        Assert.NotEqual(written, PkruAfter(new PtraceSetIgnoresPkru(new OptimizedImplementation())));
    }

    [Fact]
    public void H18_is_caught_by_the_process_sequences_within_two_events()
    {
        var s = MutantRun.Caught(output, new PtraceSetIgnoresPkru(new OptimizedImplementation()), "kernel.process.differential");
        Assert.True(s.Ops.Count <= 2, $"{s.Ops.Count} events: {s}");
        Assert.Contains(s.Ops, op => op is PtraceSetXstateOp);
    }

    // APX and MPX both enumerated (R35): a packed synthetic CPU, so nothing but the enumeration is odd.
    private static readonly SyntheticCpu ApxAndMpx = new(OffsetStyle.Packed,
        FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm, XFeature.BndRegs, XFeature.BndCsr, XFeature.Apx),
        FeatureMask.None, Xsaveopt: true, Xsavec: true, Xsaves: false, Xfd: false, FeatureMask.None);

    // ARCH_LBR flag, LBR not in CPUID(0xD,1), XSAVES with CET (the kernel writes IA32_XSS).
    private static readonly SyntheticCpu LbrFlagOnly = new(OffsetStyle.Packed, FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm),
        FeatureMask.Of(XFeature.CetUser, XFeature.CetKernel), Xsaveopt: true, Xsavec: true, Xsaves: true, Xfd: false, FeatureMask.None,
        ArchLbrFlagOnly: true);

    [Fact]
    public void H21_apx_with_mpx_disables_xsave_and_the_mutant_keeps_it()
    {
        var cpu = ApxAndMpx.ToCpuModel();
        Assert.False(new OptimizedImplementation().Boot(cpu, KernelConfig.Default).Boot.Xsave); // R35
        Assert.True(new ApxMpxConflictUnchecked(new OptimizedImplementation()).Boot(cpu, KernelConfig.Default).Boot.Xsave);
    }

    [Fact]
    public void H12_ia32_xss_gets_no_unenumerated_lbr_and_the_mutant_writes_it()
    {
        var cpu = LbrFlagOnly.ToCpuModel();
        Assert.True(cpu.Flags.ArchLbr);
        var boot = new OptimizedImplementation().Boot(cpu, KernelConfig.Default).Boot;
        // R10/R40: XSS holds only what CPUID(0xD,1) enumerates; the CET states are there, so the MSR is written.
        Assert.True(boot.Xss.IsSubsetOf(cpu.SupportedXss) && !boot.Xss.IsEmpty, boot.Xss.ToHex());
        var broken = new LbrInXssWithoutEnumeration(new OptimizedImplementation()).Boot(cpu, KernelConfig.Default).Boot;
        Assert.True(broken.Xss.Contains(XFeature.Lbr));
    }

    [Theory]
    [InlineData("mutant:h21-apx-mpx-conflict-unchecked")]
    [InlineData("mutant:h12-lbr-in-xss-without-enumeration")]
    public void The_firmware_quirk_mutants_are_caught_by_the_boot_law_on_a_quirky_cpu(string id)
    {
        var mutant = MutantCatalog.All(new OptimizedImplementation()).Single(m => m.Name == id);
        var outcome = MutantRun.Of(output, "kernel.boot.differential", mutant);
        Assert.Equal(Properties.Comparison.Verdict.Diverge, outcome.Verdict);
        var shrunk = Assert.IsType<CpuAndMask>(Assert.Single(outcome.Shrunk!));
        var flags = shrunk.Cpu.Cpu.Flags;
        Assert.True(id.Contains("h21") ? shrunk.Cpu.Cpu.SupportedXcr0.Contains(XFeature.Apx) : flags.ArchLbr && !shrunk.Cpu.Cpu.SupportedXss.Contains(XFeature.Lbr),
            shrunk.ToString());
    }

    [Fact]
    public void H2_compacted_offsets_follow_xcomp_bv_and_the_mutant_places_them_as_for_every_feature()
    {
        var mask = FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm, XFeature.Pkru);
        // R15 by hand from Sapphire Rapids' CPUID: YMM (256 bytes) at 576, PKRU (no alignment bit) right after it.
        Assert.Equal(832, new OptimizedImplementation().Architecture(Spr).CompactedLayout(mask).Find((int)XFeature.Pkru)!.Value.Offset);
        var broken = new CompactedOffsetsOfMaxFeatures(new OptimizedImplementation()).Architecture(Spr).CompactedLayout(mask);
        Assert.NotEqual(832, broken.Find((int)XFeature.Pkru)!.Value.Offset); // after the MPX and AVX-512 components the mask leaves out
    }
}
