using System.Text.RegularExpressions;
using Xsave.Scenarios.Model;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// The fields an expectation may name, by kind of step. Checked at parse time, so a misspelt field is an error with a
/// line number instead of an expectation that can never be met.
/// </summary>
public static partial class FieldPaths
{
    private const string Fpstate = @"fpstate\.(size|user_size|xfeatures|user_xfeatures|xfd|is_guest|in_use|xstate_bv|xcomp_bv)";
    private const string Boot = @"boot\.(xsave|compacted|disabled_reason|xcr0|xss|guest_features|guest_size|(kernel|user)\.(max_features|default_features|independent_features|max_size|default_size))";
    private const string Data = @"data\.(size|xstate_bv|xcomp_bv|mxcsr|mxcsr_mask|fcw|reserved_zero|(u8|u16|u32|u64)@\d+)";

    private static readonly Regex Kernel = new(
        "^(result|value|created|signal|exits|cpuid\\.count|cpuid\\.\\d+\\.(eax|ebx|ecx|edx)|" + Data + "|" + Boot + "|" +
        @"p\d+\.(alive|threads|perm|perm\.size|perm\.user_size|guest_perm|guest_perm\.size|guest_perm\.user_size|guest_perm_locked|t\d+\.sigaltstack|t\d+\." + Fpstate + ")|" +
        @"vcpu\d+\.(alive|xcr0|xss|xfd|xfd_err|pkru|guest_supported_xcr0|guest_supported_xss|guest_fpu_xfeatures|uabi_size|fpu_loaded|has_run|" + Fpstate + "))$");

    private static readonly Regex BootOnly = new("^" + Boot + "$");

    private static readonly Regex Instruction = new(
        @"^(fault|value|xcr0|xss|xfd|xfd_err|xinuse|cpl|osxsave|cr0_ts|mxcsr|component\.\d+\.init|buffer\.(size|xstate_bv|xcomp_bv|mxcsr|mxcsr_mask|fcw|reserved_zero|(u8|u16|u32|u64)@\d+))$");

    private static readonly Regex Query = new(@"^(value|valid|reasons|size|components|offset\.\d+|size\.\d+)$");

    private static readonly Regex Invariants = new("^(invariants)$");

    public static bool Allowed(StepAction action, string path) => action switch
    {
        KernelAction => Kernel.IsMatch(path),
        BootAction => BootOnly.IsMatch(path),
        InstructionAction or MachineAction => Instruction.IsMatch(path),
        QueryAction => Query.IsMatch(path),
        InvariantsAction => Invariants.IsMatch(path),
        _ => false,
    };

    public static string Help(StepAction action) => action switch
    {
        KernelAction => "result, value, created, signal, exits, cpuid.N.eax.., data.(size|xstate_bv|xcomp_bv|mxcsr|fcw|u64@N), pN.perm, pN.perm.size, pN.guest_perm, pN.guest_perm_locked, pN.tM.sigaltstack, pN.tM.fpstate.F, vcpuN.(xcr0|xss|xfd|uabi_size|guest_supported_xcr0|...), vcpuN.fpstate.F, boot.*",
        BootAction => "boot.xsave, boot.compacted, boot.xcr0, boot.xss, boot.kernel.max_features, boot.user.default_size, boot.guest_features, boot.guest_size, ...",
        InstructionAction or MachineAction => "fault, value, xcr0, xss, xfd, xfd_err, xinuse, cpl, mxcsr, component.N.init, buffer.(size|xstate_bv|xcomp_bv|mxcsr|fcw|u64@N)",
        QueryAction => "value, valid, reasons, size, components, offset.N, size.N",
        InvariantsAction => "invariants",
        _ => "",
    };
}
