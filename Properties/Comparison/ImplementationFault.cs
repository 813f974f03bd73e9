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

    /// <summary>Runs <paramref name="ask"/>, turning any exception but this one into an <see cref="ImplementationFault"/>.</summary>
    public static T Guard<T>(string implementation, string step, Func<T> ask) => Guard(implementation, () => step, ask);

    /// <summary>The same, the step described only if <paramref name="ask"/> throws (a kernel session asks at every step,
    /// and formatting each step's text cost more than many of the steps).</summary>
    public static T Guard<T>(string implementation, Func<string> step, Func<T> ask) =>
        Guard(implementation, (step, ask), static s => s.step(), static s => s.ask());

    /// <summary>The same with the question's inputs passed along, so that static lambdas allocate nothing per call (the
    /// differential laws ask two implementations per case).</summary>
    public static T Guard<TState, T>(string implementation, TState state, Func<TState, string> step, Func<TState, T> ask)
    {
        try
        {
            return ask(state);
        }
        catch (Exception e) when (e is not (ImplementationFault or OutOfMemoryException))
        {
            throw new ImplementationFault(implementation, step(state), e);
        }
    }
}
