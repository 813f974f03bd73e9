namespace Xsave.BenchCore;

/// <summary>
/// The result of preparing an operation for one implementation: a loop ready to measure, or the reason it cannot be
/// measured (the implementation does not declare the contract part, throws <see cref="NotSupportedException"/>, or
/// answers the set-up steps differently from what the measured path needs). Never an exception.
/// </summary>
public sealed record PreparedOperation(IOperationLoop? Loop, string? Unavailable)
{
    public bool Supported => Loop is not null;

    public static PreparedOperation Ready(IOperationLoop loop) => new(loop, null);

    public static PreparedOperation NotAvailable(string reason) => new(null, reason);
}
