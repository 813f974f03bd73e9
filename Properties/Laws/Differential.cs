using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FsCheck;
using Xsave.Contract.Implementations;
using Xsave.Properties.Comparison;

namespace Xsave.Properties.Laws;

/// <summary>
/// Builds a differential law from one question: the same function is asked of the implementation and of the oracle,
/// the answers must be equal, and both answers are kept as evidence.
/// </summary>
public static class Differential
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <param name="branch">Which of the law's declared branches a case reached, from the input and the oracle's answer
    /// (the reference decides; issue 16). Null: the law counts nothing.</param>
    public static ConformanceProperty Law<T, TAnswer>(string name, IReadOnlyList<string> rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<T>> inputs, IInputCodec<T> codec, Func<IXstateImplementation, T, TAnswer> ask,
        Func<T, TAnswer, string>? branch = null) where T : class =>
        new Law<T>(name, LawKind.Differential, rules, needs, description, inputs, codec,
            (ctx, x) =>
            {
                var mine = Ask(name, ctx.Subject, x, ask);
                var want = Ask(name, ctx.Reference, x, ask);
                var same = Check.Same(name, mine, want);
                return branch is null ? same : same.In(branch(x, want));
            },
            (ctx, x) => new Evidence(Answer(() => ask(ctx.Subject, x)), Answer(() => ask(ctx.Reference, x))));

    /// <summary>One side's answer; an exception is a harness error (<see cref="ImplementationFault"/>), never an answer to compare.</summary>
    private static TAnswer Ask<T, TAnswer>(string law, IXstateImplementation impl, T input, Func<IXstateImplementation, T, TAnswer> ask) =>
        ImplementationFault.Guard(impl.Name, (law, impl, input, ask), static s => $"the question of {s.law}",
            static s => s.ask(s.impl, s.input));

    /// <summary>An answer as JSON, for the evidence of a regression file only: an exception is recorded as what the side
    /// said (the verdict, made by the law itself, is a harness error).</summary>
    public static JsonNode? Answer<TAnswer>(Func<TAnswer> ask)
    {
        try
        {
            return JsonSerializer.SerializeToNode(ask(), Json);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new JsonObject { ["exception"] = e.GetType().Name, ["message"] = e.Message };
        }
    }
}
