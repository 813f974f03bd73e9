namespace Xsave.Contract.Cpus;

/// <summary>
/// What no real CPU enumerates, refused as errors rather than anomalies because every layout computed from it would be
/// wrong: sizes and offsets that do not fit the layout arithmetic (a register read as a negative int), reserved bit 63
/// in the supported XCR0 or IA32_XSS (SPEC part A3), and control characters in the strings the runner prints.
/// </summary>
public static class ProfileLimits
{
    /// <summary>16 MiB per size or offset: far above any real XSAVE area (11 KiB with AMX), low enough that the sum of
    /// 62 components stays a positive 32-bit number.</summary>
    public const uint MaxBytes = 1u << 24;

    public static IEnumerable<(string Field, int? SubLeaf, string Message)> Check(IReadOnlyDictionary<int, CpuidRegs> leaf0d)
    {
        foreach (var (sub, r) in leaf0d.OrderBy(kv => kv.Key))
        {
            var sizes = sub switch
            {
                0 => new[] { ("EBX", r.Ebx), ("ECX", r.Ecx) },
                1 => [("EBX", r.Ebx)],
                _ => [("EAX", r.Eax), ("EBX", r.Ebx)],
            };
            foreach (var (name, value) in sizes.Where(s => s.Item2 > MaxBytes))
                yield return ("leaf0d", sub, $"{name}=0x{value:x} is not a plausible size or offset (at most 0x{MaxBytes:x} bytes)");
        }
        if ((leaf0d.GetValueOrDefault(0).Edx & 0x8000_0000u) != 0)
            yield return ("leaf0d", 0, "EDX bit 31 enumerates XCR0 bit 63, which is reserved (SPEC part A3: XCR0)");
        if ((leaf0d.GetValueOrDefault(1).Edx & 0x8000_0000u) != 0)
            yield return ("leaf0d", 1, "EDX bit 31 enumerates IA32_XSS bit 63, which is reserved (SPEC part A3: IA32_XSS)");
    }

    /// <summary>A string field with a control character (a terminal escape sequence, a newline) would be printed raw.</summary>
    public static bool HasControlCharacter(string? text) => text is not null && text.Any(char.IsControl);

    /// <summary>The text with every control character written as \xNN, safe to print on one line.</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
