using System.Collections.Immutable;
using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "xsave": user-mode XSAVE/XSAVEOPT/XSAVEC/XRSTOR on the live CPU against the oracle's
/// <see cref="Contract.Implementations.ICpuArchitecture.Execute"/> on a CPL3 state with the live XCR0 (R17-R26; KO §5,
/// C1-C4). Buffers are compared outside the bytes and XSTATE_BV bits the oracle marks unspecified (R20a) and the
/// non-register bytes of saved components (<see cref="RegisterFields"/>, F5).
/// </summary>
public static class InstructionChecks
{
    public const string Group = "xsave";

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRunner runner)
    {
        var cpu = oracle.Host.Cpu;
        var arch = oracle.Architecture;
        var xcr0 = oracle.Xcr0;
        if (xcr0.IsEmpty)
        {
            yield return KernelCheck.Skip(Group, "instructions", "R17-R26", "XGETBV(0) unavailable: the OS does not enable XSAVE");
            yield break;
        }
        var state = InstructionCases.State(cpu, arch, xcr0);
        var cases = InstructionCases.All(cpu, arch, xcr0);
        var probe = runner.Run(Group, cases.Select(c => c.Line(state)));
        if (probe.Unavailable is { } why)
        {
            yield return KernelCheck.Skip(Group, "instructions", "R17-R26", why);
            yield break;
        }
        var start = MachineState.Init(cpu) with { Xcr0 = xcr0, Cpl = 3 };
        var loaded = arch.Execute(start, new XsaveFamilyOp(XsaveInstruction.Xrstor, xcr0, XsaveBuffer.From(state)));
        foreach (var c in cases)
        {
            var line = probe.Named("case").FirstOrDefault(l => l.Str("case") == c.Name);
            if (loaded.Fault is { } f)
            {
                yield return KernelCheck.Skip(Group, c.Description, c.Rule, $"the oracle refuses the starting state: {f}");
                continue;
            }
            var address = XsaveBuffer.DefaultAddress + (ulong)c.Misalign;
            var op = new XsaveFamilyOp(c.Instruction, new FeatureMask(c.Rfbm), XsaveBuffer.From(c.Buffer, address));
            // A CPU: the non-register bytes of a saved component are not compared (docs/findings.md F5).
            var outcome = RegisterFields.WithOpenBytes(cpu, loaded.State, op, arch.Execute(loaded.State, op));
            string expected = outcome.Fault is null ? "ok" : $"#{outcome.Fault.Kind}";
            if (line is null)
            {
                yield return KernelCheck.Skip(Group, c.Description, c.Rule, probe.Failure ?? "the probe did not report this case", expected);
                continue;
            }
            var fault = line.Str("fault") ?? "?";
            string observed = fault == "none" ? "ok" : $"#{fault}";
            if (outcome.Fault is null && fault == "none")
            {
                var diffs = BufferDiffs(outcome, line.Bytes("buffer"), address).Concat(AfterDiffs(arch, outcome.State, line, xcr0)).ToList();
                if (diffs.Count > 0) observed = "ok, but " + string.Join("; ", diffs.Take(4)) + (diffs.Count > 4 ? $"; … ({diffs.Count})" : "");
            }
            yield return KernelCheck.Compare(Group, c.Description, c.Rule, expected, observed);
        }
    }

    /// <summary>The instruction's memory operand against the oracle's, outside the oracle's unspecified bytes.</summary>
    private static IEnumerable<string> BufferDiffs(InstructionOutcome reference, byte[]? observed, ulong address)
    {
        if (observed is null || reference.Buffer is null) return observed is null ? ["the probe reported no buffer"] : [];
        var other = reference with { Buffer = XsaveBuffer.From(observed, address) };
        return reference.Differences(other).Select(d => d.ToString());
    }

    /// <summary>The registers afterwards: the probe's XSAVE(XCR0) image and MXCSR against the oracle's XSAVE of its state.</summary>
    private static IEnumerable<string> AfterDiffs(Contract.Implementations.ICpuArchitecture arch, MachineState state, ProbeLine line, FeatureMask xcr0)
    {
        var after = line.Bytes("after");
        if (after is null) yield break;
        var reference = arch.Execute(state, new XsaveFamilyOp(XsaveInstruction.Xsave, xcr0, XsaveBuffer.Zeroed(after.Length)));
        if (reference.Fault is not null) yield break;
        var other = reference with { Buffer = new XsaveBuffer(ImmutableArray.Create(after), XsaveBuffer.DefaultAddress) };
        foreach (var d in reference.Differences(other)) yield return "registers after: " + d;
        if (line.Hex("mxcsr") is { } mx && !reference.UnspecifiedComponents.Contains(XFeature.Sse) && mx != state.Mxcsr)
            yield return $"MXCSR after: 0x{state.Mxcsr:x} != 0x{mx:x}";
    }
}
