using Xsave.Contract.Implementations;

namespace Xsave.Contract.Linux.Operations;

/// <summary>What an operation names: a process, one of its threads, or a vCPU (ids as the contract numbers them).</summary>
public enum OpTarget { Process, Thread, Vcpu }

/// <summary>What an operation does to the set of names that exist (the rest leave it alone).</summary>
public enum OpEffect { None, SpawnsThread, ForksProcess, ExecsProcess, CreatesVcpu, DestroysVcpu, ExitsProcess }

/// <summary>
/// One operation (or guest event) described once: its name (the scenario step name and the JSON discriminator), the
/// contract part it needs, its arguments with their kinds and defaults, its one-line text, and how to take its
/// argument values out of a value (<see cref="Read"/>) and build a value from them (<see cref="Create"/>). The scenario
/// reader and writer, the regression converter, the shrinker and the runner's naming rules are all driven by it.
/// </summary>
public abstract class OpDescriptor(Type type, string name, IReadOnlyList<OpArg> args)
{
    public Type Type { get; } = type;
    public string Name { get; } = name;
    public IReadOnlyList<OpArg> Args { get; } = args;

    public abstract string Text(object op);
    public abstract OpValues Read(object op);
    public abstract object Create(OpValues values);

    /// <summary>The values with every missing optional argument at its default.</summary>
    public OpValues WithDefaults(OpValues values)
    {
        foreach (var arg in Args)
            if (!values.Has(arg.Name))
                values.Set(arg.Name, arg.Default ?? throw new ArgumentException($"{Name}: missing argument '{arg.Name}'"));
        return values;
    }

    public override string ToString() => Name;
}

/// <summary>A descriptor for values of <typeparamref name="T"/>.</summary>
public class OpDescriptor<T>(string name, IReadOnlyList<OpArg> args, Func<T, string> text, Func<T, OpValues> read, Func<OpValues, T> create)
    : OpDescriptor(typeof(T), name, args) where T : class
{
    public override string Text(object op) => text((T)op);
    public override OpValues Read(object op) => read((T)op);
    public override object Create(OpValues values) => create(WithDefaults(values));
}

/// <summary>A kernel operation's descriptor: also what it names and what it does to the names that exist.</summary>
public sealed class KernelOpDescriptor<T>(string name, ContractPart part, OpTarget target, OpEffect effect, IReadOnlyList<OpArg> args,
    Func<T, string> text, Func<T, OpValues> read, Func<OpValues, T> create)
    : OpDescriptor<T>(name, args, text, read, create), IKernelOpDescriptor where T : KernelOp
{
    public ContractPart Part { get; } = part;
    public OpTarget Target { get; } = target;
    public OpEffect Effect { get; } = effect;
}

/// <summary>The kernel-operation view of a descriptor, independent of its type parameter.</summary>
public interface IKernelOpDescriptor
{
    string Name { get; }
    Type Type { get; }
    ContractPart Part { get; }
    OpTarget Target { get; }
    OpEffect Effect { get; }
    IReadOnlyList<OpArg> Args { get; }
    string Text(object op);
    OpValues Read(object op);
    object Create(OpValues values);
}
