using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;

namespace Xsave.Properties.Comparison;

/// <summary>
/// An implementation threw instead of answering: a harness error (<see cref="Verdict.HarnessError"/>), never an answer
/// to compare. The message names the implementation and the step; the inner exception keeps the stack for --verbose.
/// </summary>
public sealed class ImplementationFault(string implementation, string step, Exception inner)
    : Exception($"{implementation} threw at {step}: {inner.GetType().Name}: {inner.Message}", inner)
{
    public string Implementation { get; } = implementation;
    public string Step { get; } = step;

    public static ImplementationFault At(string implementation, int index, KernelOp op, Exception inner) =>
        new(implementation, $"step {index} {OpText.Describe(op)}", inner);

    /// <summary>Runs <paramref name="ask"/>, turning any exception but this one into an <see cref="ImplementationFault"/>.</summary>
    public static T Guard<T>(string implementation, string step, Func<T> ask)
    {
        try
        {
            return ask();
        }
        catch (Exception e) when (e is not (ImplementationFault or OutOfMemoryException))
        {
            throw new ImplementationFault(implementation, step, e);
        }
    }
}
