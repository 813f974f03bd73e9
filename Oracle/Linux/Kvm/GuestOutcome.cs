namespace Xsave.Oracle.Linux.Kvm;

/// <summary>What the guest sees after KVM handled one of its instructions (an exit handler's verdict).</summary>
public enum GuestOutcome
{
    /// <summary>The instruction completed (KVM skipped it).</summary>
    Completed,
    /// <summary>KVM injected #GP(0) into the guest.</summary>
    InjectedGp,
}

/// <summary>A guest RDMSR's outcome and, when it completed, the value read.</summary>
public sealed record GuestRead(GuestOutcome Outcome, ulong Value);
