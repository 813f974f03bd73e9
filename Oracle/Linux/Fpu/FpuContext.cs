using Xsave.Contract;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>The instruction a kernel uses to save a task's FPU registers (R60, IXSH os_xsave alternatives).</summary>
public enum SaveInstruction { Xsaves, Xsavec, Xsaveopt, Xsave, Fxsave, Fnsave }

/// <summary>The instruction a kernel uses to load them.</summary>
public enum RestoreInstruction { Xrstors, Xrstor, Fxrstor, Frstor }

/// <summary>One step of restore_fpregs_from_fpstate, in order.</summary>
public abstract record RestoreStep
{
    /// <summary>xfd_update_state: IA32_XFD := the fpstate's xfd.</summary>
    public sealed record WriteXfd(FeatureMask Value) : RestoreStep;

    /// <summary>XRSTOR(S) with this requested-feature bitmap (or FXRSTOR/FRSTOR without XSAVE).</summary>
    public sealed record Load(RestoreInstruction Instruction, FeatureMask Rfbm) : RestoreStep;
}

/// <summary>
/// Saving and restoring a task or guest fpstate on context switch (SPEC R60): which instruction, which mask, and that
/// XFD is written before the load.
/// </summary>
public static class FpuContext
{
    /// <summary>R60: XSAVES &gt; XSAVEC &gt; XSAVEOPT &gt; XSAVE; without XSAVE FXSAVE, without FXSR FNSAVE.</summary>
    public static SaveInstruction SaveVariant(BootResult boot)
    {
        if (!boot.XsaveEnabled) return boot.Caps.Has(CpuCap.Fxsr) ? SaveInstruction.Fxsave : SaveInstruction.Fnsave;
        if (boot.Caps.Has(CpuCap.Xsaves)) return SaveInstruction.Xsaves;
        if (boot.Caps.Has(CpuCap.Xsavec)) return SaveInstruction.Xsavec;
        if (boot.Caps.Has(CpuCap.Xsaveopt)) return SaveInstruction.Xsaveopt;
        return SaveInstruction.Xsave;
    }

    /// <summary>R60: XRSTORS iff XSAVES is used.</summary>
    public static RestoreInstruction RestoreVariant(BootResult boot)
    {
        if (!boot.XsaveEnabled) return boot.Caps.Has(CpuCap.Fxsr) ? RestoreInstruction.Fxrstor : RestoreInstruction.Frstor;
        return boot.Caps.Has(CpuCap.Xsaves) ? RestoreInstruction.Xrstors : RestoreInstruction.Xrstor;
    }

    /// <summary>R60 (os_xsave): the save RFBM is the fpstate's xfeatures.</summary>
    public static FeatureMask SaveMask(Fpstate fps) => fps.Xfeatures;

    /// <summary>
    /// R60 (restore_fpregs_from_fpstate(fps, XFEATURE_MASK_FPSTATE)): IA32_XFD is updated first (with dynamic sizing;
    /// the kernel skips the write when the per-CPU copy already matches), then XRSTOR(S) with RFBM = kernel.max &amp;
    /// FPSTATE — not the fpstate's xfeatures, so that features the previous task used but this one may not are
    /// initialised.
    /// </summary>
    public static IReadOnlyList<RestoreStep> RestoreSteps(BootResult boot, Fpstate fps)
    {
        var steps = new List<RestoreStep>();
        if (boot.XsaveEnabled && boot.DynamicSizing) steps.Add(new RestoreStep.WriteXfd(fps.Xfd));
        var rfbm = boot.XsaveEnabled ? boot.Kernel.MaxFeatures & XfeatureMasks.Fpstate : FeatureMask.None;
        steps.Add(new RestoreStep.Load(RestoreVariant(boot), rfbm));
        return steps;
    }
}
