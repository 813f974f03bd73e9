namespace Xsave.Gate;

/// <summary>
/// Bad input the gate refuses, as a value: what is wrong and, when there is one, the file or directory concerned.
/// The runner prints <see cref="ToString"/> as one line and exits 2.
/// </summary>
public sealed record GateError(string Message, string? File = null)
{
    public override string ToString() => File is null ? Message : $"{File}: {Message}";
}
