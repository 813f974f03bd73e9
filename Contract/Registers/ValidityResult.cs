namespace Xsave.Contract.Registers;

/// <summary>Why a value was refused, with the SPEC rule that refuses it.</summary>
public sealed record Rejection(string Rule, string Reason)
{
    public override string ToString() => $"{Rule}: {Reason}";
}

/// <summary>The verdict on a register value (XCR0, IA32_XSS, IA32_XFD): valid, or every reason it is not.</summary>
public sealed record ValidityResult(IReadOnlyList<Rejection> Rejections)
{
    public static ValidityResult Ok { get; } = new([]);

    public bool Valid => Rejections.Count == 0;

    public bool Equals(ValidityResult? other) => other is not null && Rejections.SequenceEqual(other.Rejections);
    public override int GetHashCode() => Rejections.Count;
}
