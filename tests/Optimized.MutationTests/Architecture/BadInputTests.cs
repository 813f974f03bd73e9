using System.Collections.Immutable;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// Inputs no machine can be in are harness errors (ICpuArchitecture.Execute): both implementations refuse them with an
/// exception, and the optimized one throws an ArgumentException that says what is wrong (GUIDE: a clear error naming what and where).
/// </summary>
public class BadInputTests
{
    private static readonly CpuModel Cpu = Subjects.CleanCpus.First(c => c.Id == Corpus.SapphireRapids);

    private sealed record UnknownOp : ArchOperation;

    public static TheoryData<string> Cases() => ["x87 image of the wrong size", "component the CPU lacks", "CPL 4", "CPL -1", "XCR0 beyond the CPU", "XSS beyond the CPU", "a component missing", "MXCSR bytes in the x87 image",
        "two problems", "component 62 with no bytes in place of AVX", "null state", "null operation",
        "unknown operation", "no memory operand", "unknown instruction"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothRefuse_AndTheOptimizedMessageSaysWhat(string what)
    {
        var (state, op, mentions) = Case(what);
        var (subject, reference) = Subjects.Pair(Cpu);
        // The oracle refuses a null memory operand with a NullReferenceException (noticed here, left to the oracle's owners).
        Assert.ThrowsAny<Exception>(() => reference.Execute(state, op));
        var e = Assert.ThrowsAny<ArgumentException>(() => subject.Execute(state, op)); // ArgumentNullException for a null
        Assert.Contains(mentions, e.Message);
    }

    private static (MachineState, ArchOperation, string) Case(string what)
    {
        var init = MachineState.Init(Cpu) with { Xcr0 = Cpu.SupportedXcr0 };
        var save = new XsaveFamilyOp(XsaveInstruction.Xsave, FeatureMask.All, XsaveBuffer.Zeroed(4096));
        return what switch
        {
            "x87 image of the wrong size" => (init with { Components = init.Components.SetItem(0, ImmutableArray.Create(new byte[100])) }, save, Cpu.Id),
            "component the CPU lacks" => (init with { Components = init.Components.Add(62, ImmutableArray.Create(new byte[8])) }, save, Cpu.Id),
            "CPL 4" => (init with { Cpl = 4 }, save, Cpu.Id),
            "CPL -1" => (init with { Cpl = -1 }, save, Cpu.Id),
            "XCR0 beyond the CPU" => (init with { Xcr0 = new(Cpu.SupportedXcr0.Bits | (1UL << 61)) }, save, Cpu.Id),
            "XSS beyond the CPU" => (init with { Xss = new(Cpu.SupportedXss.Bits | (1UL << 61)) }, save, Cpu.Id),
            "a component missing" => (init with { Components = init.Components.Remove(1) }, save, Cpu.Id),
            "MXCSR bytes in the x87 image" => (init with { Components = init.Components.SetItem(0, ImmutableArray.Create(X87WithMxcsr())) }, save, "24..31"),
            "two problems" => (init with { Cpl = 4, Xss = new(Cpu.SupportedXss.Bits | (1UL << 61)) }, save, "; "),
            "component 62 with no bytes in place of AVX" => (init with { Components = init.Components.Remove(2).Add(62, []) }, save, Cpu.Id),
            "null state" => (null!, save, "state"),
            "null operation" => (init, null!, "operation"),
            "unknown operation" => (init, new UnknownOp(), nameof(UnknownOp)),
            "no memory operand" => (init, save with { Memory = null! }, "memory"),
            _ => (init, save with { Instruction = (XsaveInstruction)99 }, "99"),
        };
    }

    /// <summary>An x87 image with bytes 24..31 set (MXCSR belongs to SSE, R12).</summary>
    private static byte[] X87WithMxcsr()
    {
        var bytes = MachineState.InitImage(0, MachineState.X87ImageSize);
        bytes[24] = 0x80;
        return bytes;
    }
}
