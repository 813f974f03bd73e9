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
}
