namespace Xsave.Oracle.Linux.Uabi;

/// <summary>enum xstate_copy_mode (R70): how much of the kernel buffer a UABI copy reports.</summary>
public enum CopyMode
{
    /// <summary>XSTATE_COPY_FP: x87 only (the fsave/fxsave ia32 views).</summary>
    Fp,
    /// <summary>XSTATE_COPY_FX: x87 and SSE, the 512-byte FXSAVE image (NT_PRFPREG).</summary>
    Fx,
    /// <summary>XSTATE_COPY_XSAVE: the full standard-format XSAVE image (NT_X86_XSTATE, KVM_GET_XSAVE*).</summary>
    Xsave,
}
