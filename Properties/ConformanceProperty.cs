using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract.Implementations;

namespace Xsave.Properties;

/// <summary>How a law relates the implementation to the spec.</summary>
public enum LawKind
{
    /// <summary>The implementation's answer equals the oracle's.</summary>
    Differential,
    /// <summary>A relation the kernel relies on holds on the implementation's answers (SPEC part D).</summary>
    Invariant,
    /// <summary>Two related inputs give related answers (round trips, order independence).</summary>
    Metamorphic,
}

/// <summary>
/// One entry of the catalogue: a stable name (used on the command line, in regression files and as the xunit test
/// name), the SPEC rules and invariants it checks, what it needs from the implementation, how it generates inputs and
/// what must hold for each. Inputs can be written to JSON and read back, so a shrunk counterexample can be stored and
/// re-checked directly, whatever the generators become later (FSCHECK.md §5).
/// </summary>
public abstract class ConformanceProperty(string name, LawKind kind, IReadOnlyList<string> rules, ContractPart needs, string description)
{
    public string Name { get; } = name;
    public LawKind Kind { get; } = kind;
    public IReadOnlyList<string> Rules { get; } = rules;
    public ContractPart Needs { get; } = needs;
    public string Description { get; } = description;

    /// <summary>The law reads kernel-internal state (snapshots), which only models can report.</summary>
    public bool NeedsInternalState { get; init; }

    /// <summary>The branches the law declares and counts (null: it declares none).</summary>
    public LawCoverage? Coverage { get; private set; }

    /// <summary>Declares what the law exists for (its Classify names) and its vacuous bound; returns the law.</summary>
    public ConformanceProperty Declares(params string[] branches) => Declares(new LawCoverage(branches));

    public ConformanceProperty Declares(LawCoverage coverage)
    {
        Coverage = coverage;
        return this;
    }

    /// <summary>What the law needs of a fixed machine (a real CPU): the reason it cannot run there, or null when it can.
    /// Null (the default): any fixed machine will do, the generators keep to it.</summary>
    public Func<FixedMachine, string?>? MachineNeeds { get; init; }

    /// <summary>Why the property cannot run against an implementation, or null when it can.</summary>
    public string? SkipReason(IXstateImplementation subject)
    {
        var missing = Needs & ~subject.Capabilities.Parts;
        if (missing != ContractPart.None)
            return $"{subject.Name} does not implement {missing}" + (subject.Capabilities.MissingPartsReason is { } because ? $": {because}" : "");
        if (NeedsInternalState && !subject.Capabilities.ObservesInternalState) return $"{subject.Name} cannot report kernel-internal state";
        if (subject.Capabilities.FixedMachine is { } machine && MachineNeeds?.Invoke(machine) is { } why) return $"{subject.Name}: {why}";
        return null;
    }

    /// <summary>Generate inputs and check each: the FsCheck property.</summary>
    public abstract Property Build(PropertyContext context);

    /// <summary>Check one given input (a stored counterexample).</summary>
    public abstract Property CheckInput(PropertyContext context, object input);

    /// <summary>The law's cases without FsCheck's per-case machinery, for the gate's loop; null when the law is only
    /// an FsCheck property (it then runs through FsCheck's runner, as every law does to shrink a failure).</summary>
    public virtual ICaseSource? Cases(PropertyContext context) => null;

    public abstract JsonNode EncodeInput(object input);

    public abstract bool TryDecodeInput(JsonElement json, out object? input, out string? error);

    /// <summary>
    /// What the implementation answered and what was expected for one input, as JSON, for regression files and the
    /// explain verb. Null when the law has no structured answer (its failure label says what went wrong).
    /// </summary>
    public abstract Evidence? Observe(PropertyContext context, object input);

    public override string ToString() => Name;
}

/// <summary>The implementation's answer next to the expected one (the oracle's, or the relation that must hold).</summary>
public sealed record Evidence(JsonNode? Observed, JsonNode? Expected);

/// <summary>How a law's input type is written to and read from JSON.</summary>
public interface IInputCodec<T>
{
    JsonNode Encode(T input);
    bool TryDecode(JsonElement json, out T? input, out string? error);
}

/// <summary>A law's cases one at a time: the input FsCheck's generator gives for a seed and size, and its verdict.</summary>
public interface ICaseSource
{
    /// <summary>Generates the input exactly as FsCheck's runner would at (<paramref name="rnd"/>, <paramref name="size"/>)
    /// and checks it. An exception is the case's failure (FsCheck reports it the same way when it re-runs the case).</summary>
    CaseResult Check(Rnd rnd, int size, out object? input);
}

/// <summary>A property over inputs of type <typeparamref name="T"/>: each case gives a <see cref="CaseResult"/>, or (for
/// laws written against FsCheck directly) a <see cref="Property"/>, which only FsCheck's runner can judge.</summary>
public sealed class Law<T> : ConformanceProperty where T : class
{
    private readonly Func<PropertyContext, Arbitrary<T>> _inputs;
    private readonly IInputCodec<T> _codec;
    private readonly Func<PropertyContext, T, CaseResult>? _check;
    private readonly Func<PropertyContext, T, Property> _holds;
    private readonly Func<PropertyContext, T, Evidence>? _observe;

    public Law(string name, LawKind kind, IReadOnlyList<string> rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<T>> inputs, IInputCodec<T> codec, Func<PropertyContext, T, CaseResult> check,
        Func<PropertyContext, T, Evidence>? observe = null)
        : this(name, kind, rules, needs, description, inputs, codec, (ctx, x) => check(ctx, x).ToProperty(), observe) => _check = check;

    public Law(string name, LawKind kind, IReadOnlyList<string> rules, ContractPart needs, string description,
        Func<PropertyContext, Arbitrary<T>> inputs, IInputCodec<T> codec, Func<PropertyContext, T, Property> holds,
        Func<PropertyContext, T, Evidence>? observe = null)
        : base(name, kind, rules, needs, description) => (_inputs, _codec, _holds, _observe) = (inputs, codec, holds, observe);

    public override Evidence? Observe(PropertyContext context, object input) => _observe?.Invoke(context, (T)input);

    public override Property Build(PropertyContext context) => Prop.ForAll(_inputs(context), x => _holds(context, x));

    public override Property CheckInput(PropertyContext context, object input) =>
        Prop.ForAll(Arb.From(Gen.Constant((T)input)), x => _holds(context, x));

    public override ICaseSource? Cases(PropertyContext context) =>
        _check is { } check ? new Source(_inputs(context).Generator, x => check(context, x)) : null;

    public override JsonNode EncodeInput(object input) => _codec.Encode((T)input);

    public override bool TryDecodeInput(JsonElement json, out object? input, out string? error)
    {
        var ok = _codec.TryDecode(json, out var value, out error);
        input = value;
        return ok;
    }

    private sealed class Source(Gen<T> generator, Func<T, CaseResult> check) : ICaseSource
    {
        public CaseResult Check(Rnd rnd, int size, out object? input)
        {
            // Prop.ForAll's first step: the generator run at the case's size and Rnd (FsCheck's Gen.bind).
            var value = Gen.Sample(generator, 1, rnd, size)[0];
            input = value;
            return check(value);
        }
    }
}
