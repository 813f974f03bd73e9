using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Scenarios.Model;

/// <summary>
/// One scenario file: the CPU, the kernel configuration, and the numbered steps. <see cref="Source"/> is the header
/// comment naming where the case comes from (a kernel selftest, a SPEC rule, a historical bug, a regression file).
/// </summary>
public sealed record Scenario(string File, string? Source, string CpuName, CpuModel Cpu, KernelConfig Config, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>Every contract part some step needs: an implementation lacking one is skipped, never passed.</summary>
    public ContractPart Needs => Steps.Aggregate(ContractPart.None, (n, s) => n | s.Action.Needs);
}

/// <summary>One numbered step: an operation (or a checkpoint) and what must hold after it.</summary>
/// <param name="Index">0-based position in the file's step list.</param>
/// <param name="Line">The line of the step in its file (1-based), for messages.</param>
/// <param name="Op">The operation's name as written (arch_prctl, kvm_set_xsave, xrstor, check, ...).</param>
public sealed record ScenarioStep(int Index, int Line, string Op, StepAction Action, IReadOnlyList<Expectation> Expect);

/// <summary>An expectation: the field <see cref="Path"/> of the step's observation must satisfy <see cref="Matcher"/>.</summary>
public sealed record Expectation(string Path, Matcher Matcher, int Line);

/// <summary>A parse problem: the file, the line (and column), what is wrong. Never an exception to the caller.</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
