namespace Xsave.Contract.Linux.Operations;

/// <summary>
/// The argument values of one operation, by the names its descriptor declares. Asking for a name the descriptor does
/// not declare, or for the wrong type, is a bug in the descriptor table and throws (the coverage tests find it).
/// </summary>
public sealed class OpValues
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public OpValues Set(string name, object value)
    {
        _values[name] = value;
        return this;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public object this[string name] => _values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"operation argument '{name}' was not given");

    public int Int(string name) => Get<int>(name);
    public uint UInt(string name) => Get<uint>(name);
    public ulong ULong(string name) => Get<ulong>(name);
    public bool Bool(string name) => Get<bool>(name);
    public byte[] Bytes(string name) => Get<byte[]>(name);
    public FeatureMask Mask(string name) => new(Get<ulong>(name));

    public T Get<T>(string name) => this[name] is T t ? t
        : throw new InvalidCastException($"operation argument '{name}' is a {this[name].GetType().Name}, not a {typeof(T).Name}");

    public IEnumerable<KeyValuePair<string, object>> All => _values;
}
