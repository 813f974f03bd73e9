using Xsave.Contract.Registers;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// R8-R11: the optimized XCR0/XSS/XFD verdicts equal the oracle's, code for code and rule for rule, for every corpus
/// CPU; every refusal says what is wrong (a non-empty message). Values: <see cref="MaskSamples"/> plus each R8/R9
/// pattern (x87 missing, AVX without SSE, half MPX, partial AVX-512, AVX-512 without AVX, half AMX) on the
/// supported set. Each value is asked twice: the optimized check keeps refusals it has built.
/// </summary>
public class RegisterDifferentialTests
{
    [Fact]
    public void Xcr0Verdicts_EqualTheOracles()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong v in MaskSamples.For(cpu, randomCount: 24).Concat(Xcr0Patterns(cpu.SupportedXcr0.Bits)))
            {
                var expected = reference.CheckXcr0(new(v));
                AssertSame(cpu, "XCR0", v, expected, subject.CheckXcr0(new(v)));
                AssertSame(cpu, "XCR0 (asked again)", v, expected, subject.CheckXcr0(new(v)));
            }
        }
    }

    [Fact]
    public void XssVerdicts_EqualTheOracles()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong v in MaskSamples.For(cpu))
                AssertSame(cpu, "XSS", v, reference.CheckXss(new(v)), subject.CheckXss(new(v)));
        }
    }

    [Fact]
    public void XfdVerdicts_EqualTheOracles()
    {
        foreach (var cpu in Subjects.DistinctXsaveCpus)
        {
            var (subject, reference) = Subjects.Pair(cpu);
            foreach (ulong v in MaskSamples.For(cpu))
                AssertSame(cpu, "XFD", v, reference.CheckXfd(new(v)), subject.CheckXfd(new(v)));
        }
    }

    /// <summary>Each single R8/R9 violation applied to the supported set, and to the minimal x87|SSE value.</summary>
    private static IEnumerable<ulong> Xcr0Patterns(ulong supported)
    {
        ulong[] bases = [supported, 0x3, 0x7, supported & 0x7];
        foreach (ulong b in bases)
        {
            yield return b & ~1UL;                     // x87 missing
            yield return (b | 0x4) & ~2UL;             // AVX without SSE
            yield return (b & ~0x18UL) | 0x8;          // BNDREGS only
            yield return (b & ~0x18UL) | 0x10;         // BNDCSR only
            yield return b | 0x18;
            for (ulong part = 0x20; part <= 0xC0; part += 0x20)
                yield return (b & ~0xE0UL) | part; // AVX-512 partial
            yield return (b | 0xE0) & ~0x4UL;          // AVX-512 without AVX
            yield return (b | 0xE0) & ~0x6UL;
            yield return (b & ~0x60000UL) | 0x20000;   // TILECFG only
            yield return (b & ~0x60000UL) | 0x40000;   // TILEDATA only
            yield return b | 0x60000;
        }
    }

    // Messages are built only on a mismatch: these loops make some 10^5 comparisons per run.
    private static void AssertSame(CpuModel cpu, string register, ulong value, ValidityResult expected, ValidityResult actual)
    {
        bool same = expected.Rejections.Count == actual.Rejections.Count;
        for (int i = 0; same && i < actual.Rejections.Count; i++)
            same = expected.Rejections[i].Rule == actual.Rejections[i].Rule && expected.Rejections[i].Code == actual.Rejections[i].Code;
        if (!same) Assert.Fail($"{cpu.Id} {register} 0x{value:x}: oracle {Show(expected)}, optimized {Show(actual)}");
        foreach (var r in actual.Rejections)
            if (string.IsNullOrWhiteSpace(r.Reason)) Assert.Fail($"{cpu.Id} {register} 0x{value:x}: {r.Code} has no reason");
    }

    private static string Show(ValidityResult r) => r.Valid ? "accepted" : string.Join(", ", r.Rejections.Select(x => $"{x.Rule}:{x.Code}"));
}
