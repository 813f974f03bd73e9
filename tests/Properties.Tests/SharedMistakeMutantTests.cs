using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.TestSupport;
using Xunit.Abstractions;

namespace Xsave.Properties.Tests;

/// <summary>
/// A mistake both models shared until it was found against the kernel source (docs/findings.md F13), put back as a
/// mutant: the gate must catch it now that the generators reach the leaves it is about.
/// </summary>
public class SharedMistakeMutantTests(ITestOutputHelper output)
{
    private static readonly CpuModel Spr = Corpus.Cpu("intel-sapphirerapids-806f8");

    [Fact]
    public void F13_a_0x80000008_entry_at_index_1_is_checked_by_the_kernel_and_not_by_the_mutant()
    {
        // kvm_check_cpuid finds the only 0x80000008 entry whatever its index: a 40-bit virtual width is -EINVAL (R78).
        var table = new[] { new CpuidEntry(0x8000_0008, 1, new CpuidRegs(40 << 8 | 46, 0, 0, 0)) };
        long Result(Contract.Implementations.IXstateImplementation impl)
        {
            var kernel = impl.Boot(Spr, KernelConfig.Default);
            Assert.NotNull(kernel.Apply(new VcpuCreateOp(1)).Created);
            return kernel.Apply(new SetCpuid2Op(0, table)).Result;
        }
        Assert.Equal(-(long)Errno.EINVAL, Result(new OptimizedImplementation()));
        Assert.Equal(0, Result(new CpuidNonIndexedLeavesByIndex(new OptimizedImplementation())));
    }

    [Fact]
    public void F13_is_caught_by_the_kvm_sequences_with_an_entry_at_index_1()
    {
        var s = MutantRun.Caught(output, new CpuidNonIndexedLeavesByIndex(new OptimizedImplementation()), "kernel.kvm.differential");
        Assert.True(s.Ops.Count <= 3, $"{s.Ops.Count} events: {s}");
        Assert.Contains(s.Ops, op => op is SetCpuid2Op set && set.Entries.Any(e => e.Function is 1 or 0x8000_0008 && e.Index != 0));
    }
}
