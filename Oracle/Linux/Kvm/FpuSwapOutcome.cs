namespace Xsave.Oracle.Linux.Kvm;

/// <summary>What kvm_load_guest_fpu / kvm_put_guest_fpu did (R86, I20).</summary>
public enum FpuSwapOutcome
{
    /// <summary>The guest FPU was loaded (entering) or put (leaving).</summary>
    Swapped,
    /// <summary>KVM_BUG_ON: load while already in use, or put while not in use. Nothing swapped; the VM is dead.</summary>
    KvmBug,
    /// <summary>
    /// The guest state was loaded, but the host's XRSTORS raised #NM because a component was in XSTATE_BV while XFD
    /// disabled it (R27, H6): the kernel WARNs and dies ("unexpected #NM exception").
    /// </summary>
    HostNm,
}
