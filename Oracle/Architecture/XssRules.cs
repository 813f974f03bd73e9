using Xsave.Contract;
using Xsave.Contract.Registers;

namespace Xsave.Oracle.Architecture;

/// <summary>Which IA32_XSS (MSR 0xDA0) values WRMSR accepts (SPEC R10).</summary>
public static class XssRules
{
    public static ValidityResult Check(CpuModel cpu, FeatureMask value)
    {
        var rejections = new List<Rejection>();

        // R10/R5: IA32_XSS exists only with XSAVES (CPUID.(0xD,1).EAX[3]).
        if (!cpu.HasXsaves && !value.IsEmpty)
            rejections.Add(new("R10", RejectionCode.XssWithoutXsaves, "the CPU has no XSAVES, so IA32_XSS cannot be written with a non-zero value"));

        // R10: WRMSR #GP if any bit outside CPUID.(0xD,1).EDX:ECX is set: user bits can never be set in XSS.
        var reserved = value.Except(cpu.SupportedXss);
        if (!reserved.IsEmpty)
            rejections.Add(new("R10", RejectionCode.XssUnsupported, $"bits {reserved} ({reserved.Describe()}) are not supported in IA32_XSS (CPUID.(0xD,1).EDX:ECX = {cpu.SupportedXss})"));

        // R10: no architectural pairing among XSS bits is known (UNVERIFIED); KVM's CET pairing is policy (R74).
        return rejections.Count == 0 ? ValidityResult.Ok : new ValidityResult(rejections);
    }
}
