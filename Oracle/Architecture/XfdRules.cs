using Xsave.Contract;
using Xsave.Contract.Registers;

namespace Xsave.Oracle.Architecture;

/// <summary>Which IA32_XFD (MSR 0x1C4) values WRMSR accepts (SPEC R11).</summary>
public static class XfdRules
{
    public static ValidityResult Check(CpuModel cpu, FeatureMask value)
    {
        var rejections = new List<Rejection>();

        // R5: IA32_XFD exists only when CPUID.(0xD,1).EAX[4] enumerates XFD.
        if (!cpu.HasXfd && !value.IsEmpty)
            rejections.Add(new("R11", RejectionCode.XfdAbsent, "the CPU has no XFD (CPUID.(0xD,1).EAX[4] = 0)"));

        // R11: only components whose sub-leaf has ECX[2] = 1 may be disabled. UNVERIFIED as an architectural #GP rule;
        // modelled as one because KVM enforces the same subset for guests (data within supported XCR0 & USER_DYNAMIC).
        var notCapable = new FeatureMask(value.Indices().Where(i => !cpu.IsXfdCapable(i)).Aggregate(0UL, (m, i) => m | (1UL << i)));
        if (cpu.HasXfd && !notCapable.IsEmpty)
            rejections.Add(new("R11", RejectionCode.XfdNotCapable, $"bits {notCapable} ({notCapable.Describe()}) are not XFD-capable (CPUID.(0xD,i).ECX[2] = 0)"));

        return rejections.Count == 0 ? ValidityResult.Ok : new ValidityResult(rejections);
    }
}
