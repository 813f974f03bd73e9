namespace Xsave.Optimized.Linux.Uabi;

/// <summary>enum xstate_copy_mode (R70).</summary>
public enum CopyMode
{
    /// <summary>XSTATE_COPY_FP: x87 only.</summary>
    Fp,
    /// <summary>XSTATE_COPY_FX: the 512-byte FXSAVE image.</summary>
    Fx,
    /// <summary>XSTATE_COPY_XSAVE: the full standard-format image (ptrace NT_X86_XSTATE, KVM_GET_XSAVE*).</summary>
    Xsave,
}
