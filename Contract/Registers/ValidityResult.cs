namespace Xsave.Contract.Registers;

/// <summary>
/// Stable names for why a register value is refused. Implementations are compared on these codes, never on the
/// wording of <see cref="Rejection.Reason"/>, which is for people.
/// </summary>
public enum RejectionCode
{
    // XCR0 (SPEC R8, R9)
    X87Missing,
    AvxWithoutSse,
    Xcr0Unsupported,
    MpxHalf,
    Avx512Partial,
    Avx512WithoutAvx,
    AmxHalf,
    // IA32_XSS (R10)
    XssWithoutXsaves,
    XssUnsupported,
    // IA32_XFD (R11)
    XfdAbsent,
    XfdNotCapable,
}

/// <summary>Why a value was refused: the SPEC rule, a stable code, and a sentence for people.</summary>
public sealed record Rejection(string Rule, RejectionCode Code, string Reason)
{
    public override string ToString() => $"{Rule}: {Reason}";
}

/// <summary>The verdict on a register value (XCR0, IA32_XSS, IA32_XFD): valid, or every reason it is not.</summary>
public sealed record ValidityResult(IReadOnlyList<Rejection> Rejections)
{
    public static ValidityResult Ok { get; } = new([]);

    public bool Valid => Rejections.Count == 0;

    /// <summary>The codes, in the order the rules were checked: what two implementations must agree on.</summary>
    public IEnumerable<RejectionCode> Codes => Rejections.Select(r => r.Code);

    public bool Equals(ValidityResult? other)
    {
        if (other is null || other.Rejections.Count != Rejections.Count) return false;
        for (int i = 0; i < Rejections.Count; i++)
            if (Rejections[i].Code != other.Rejections[i].Code) return false;
        return true;
    }
    public override int GetHashCode() => Rejections.Count;
}
