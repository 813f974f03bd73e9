using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Mutants;
using Xsave.Optimized;
using Xsave.Properties.Generators;
using Xsave.Properties.Laws;
using Xsave.TestSupport;

namespace Xsave.Properties.Tests;

/// <summary>
/// Issue 16 asks for stateful counterexamples of at most 3 events; seven mutants shrink to 4-7. These tests show that
/// no shorter one exists among the operations their bugs involve: every sequence of one to three operations from a
/// 24-operation vocabulary (the guest permission, vCPU creation, KVM_SET_CPUID2, the XSAVE ioctls, INIT, XCRs, XFD,
/// KVM_RUN with each guest event that matters, destroy, exit) agrees with the oracle on every answer and on the state
/// after every step, on Sapphire Rapids (AMX, XFD, PKRU, AVX-512). The search does find a 4-event counterexample where
/// one is known, so it is not blind.
/// </summary>
public class ShortestCounterexampleTests
{
    private static readonly CpuModel Spr = Corpus.Cpu("intel-sapphirerapids-806f8");
    private static readonly PropertyContext Context = CatalogTests.Context();

    private static List<KernelOp> Vocabulary()
    {
        const ulong Tile = 1UL << 18;
        int uabi = Math.Max(Uapi.KvmXsaveSize, (int)Spr.MaxStandardSize);
        var xcr0 = Spr.SupportedXcr0;
        var vocabulary = new List<KernelOp>
        {
            new ArchPrctlOp(1, Uapi.ArchPrctl.ReqXcompGuestPerm, Uapi.ArchPrctl.XcompTiledata), new VcpuCreateOp(1),
            VmmSetup.Prologue(Spr, withSub1: true)[2],
            new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs((uint)xcr0.Bits, 0, 0, (uint)(xcr0.Bits >> 32)))]),
            new GetXsaveOp(0), new GetXsave2Op(0, 16384), new VcpuInitOp(0), new KvmCheckExtensionOp(1, Uapi.KvmCap.Xsave2),
            new SetMsrOp(0, Uapi.Msr.Ia32Xfd, Tile), new SetXcrsOp(0, 0, [new XcrEntry(0, xcr0.Bits)]),
            new KvmRunOp(0, []), new KvmRunOp(0, [new GuestXsetbv(0, 0, 7)]), new KvmRunOp(0, [new GuestXsetbv(0, 0, xcr0.Bits)]),
            new KvmRunOp(0, [new GuestWritePkru(0x5555_5554)]), new KvmRunOp(0, [new GuestWriteRegister(2, 0, 0x0123_4567_89ab_cdef)]),
            new KvmRunOp(0, [new GuestWriteRegister(18, 0, 0x0123_4567_89ab_cdef)]), new KvmRunOp(0, [new GuestWrmsr(Uapi.Msr.Ia32Xfd, Tile)]),
            new KvmRunOp(0, [new InitWhileRunning()]), new VcpuDestroyOp(0), new ExitGroupOp(1),
        };
        // KVM_SET_XSAVE images: everything, everything but TILEDATA, x87+SSE+MPX, x87+SSE+AVX.
        foreach (var bv in new[] { xcr0, xcr0.Without(XFeature.XtileData), new FeatureMask(0x1B), new FeatureMask(0x7) })
            vocabulary.Add(new SetXsaveOp(0, KernelOpGen.BuildImage(Spr, uabi, bv.With(XFeature.Fp), 0, 0x1F80, 0x5A)));
        return vocabulary;
    }

    private static IEnumerable<KernelOp[]> UpToThree(List<KernelOp> v)
    {
        foreach (var a in v) yield return [a];
        foreach (var a in v) foreach (var b in v) yield return [a, b];
        foreach (var a in v) foreach (var b in v) foreach (var c in v) yield return [a, b, c];
    }

    private static bool Agrees(Contract.Implementations.IXstateImplementation subject, IReadOnlyList<KernelOp> ops) =>
        KernelDifferentialLaws.Compare(Context with { Subject = subject }, new KernelScenario(new CpuCase(Spr, null), KernelConfig.Default, ops)).Holds;

    [Theory]
    [InlineData("mutant:get-xsave-ignores-4k")]
    [InlineData("mutant:h24-cpuid-stale-after-run")]
    [InlineData("mutant:r86a-get-xsave-drops-pkru")]
    [InlineData("mutant:h25-xfd-nm-survived")]
    [InlineData("mutant:init-keeps-mpx")]
    [InlineData("mutant:r91-init-clears-avx")]
    [InlineData("mutant:h6-set-xsave-keeps-xfd-bits")]
    public void No_sequence_of_at_most_three_operations_catches_it(string id)
    {
        var mutant = MutantCatalog.All(new OptimizedImplementation()).Single(m => m.Name == id);
        var vocabulary = Vocabulary();
        int searched = 0;
        foreach (var ops in UpToThree(vocabulary))
        {
            searched++;
            Assert.True(Agrees(mutant, ops), $"{id} is caught in {ops.Length} events: {string.Join("; ", ops.Select(Contract.Linux.Operations.OpText.Describe))}");
        }
        Assert.Equal(vocabulary.Count * (1 + vocabulary.Count * (1 + vocabulary.Count)), searched);
    }

    [Fact]
    public void The_search_finds_a_four_event_counterexample_where_one_exists()
    {
        var mutant = new GetXsaveIgnoresLimit(new OptimizedImplementation());
        var v = Vocabulary();
        // Permission, vCPU, CPUID with AMX, KVM_GET_XSAVE (vocabulary entries 0, 1, 2, 4): the mutant answers, the kernel refuses.
        Assert.False(Agrees(mutant, [v[0], v[1], v[2], v[4]]));
        Assert.True(Agrees(new OptimizedImplementation(), [v[0], v[1], v[2], v[4]]));
    }
}
