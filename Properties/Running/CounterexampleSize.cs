using Xsave.Contract.Linux;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Running;

/// <summary>
/// How big a (shrunk) counterexample is, in the two measures a reader cares about: the events it takes (kernel
/// operations and guest exits; an architecture case is one event) and the XSAVE components it involves. Small is
/// what shrinking is for: issue 16 asks for stateful counterexamples of at most 3 events.
/// </summary>
public readonly record struct CounterexampleSize(int Events, int Components)
{
    public static CounterexampleSize Of(object input) => input switch
    {
        KernelScenario s => new(s.Ops.Sum(EventsOf), ComponentsOf(s.Cpu)),
        InstructionCase c => new(1, (c.State.Xcr0 | c.State.Xss).Count),
        CpuAndMask c => new(1, c.Mask.Count),
        CpuCase c => new(1, ComponentsOf(c)),
        _ => new(1, 0),
    };

    private static int EventsOf(KernelOp op) => op is KvmRunOp run ? 1 + run.Exits.Count : 1;

    private static int ComponentsOf(CpuCase cpu) => cpu.Cpu.SupportedAll.Count;

    public override string ToString() => $"{Events} event{(Events == 1 ? "" : "s")}, {Components} component{(Components == 1 ? "" : "s")}";
}
