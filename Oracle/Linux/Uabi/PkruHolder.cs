namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// Where a PKRU value lives outside the XSAVE buffer: task.thread.pkru (ptrace, signals) or vcpu.arch.pkru (KVM).
/// copy_uabi_to_xstate writes through it (R69); KVM passes none when it wants PKRU left alone.
/// </summary>
public sealed class PkruHolder
{
    public uint Value { get; set; }

    public PkruHolder(uint value = 0) => Value = value;
}
