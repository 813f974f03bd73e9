namespace Xsave.Oracle.Linux.Kvm;

/// <summary>
/// Module parameters and vendor facts the modelled paths depend on. Defaults: a stock kvm-intel/kvm-amd with TDP (EPT
/// or NPT) and allow_smaller_maxphyaddr off.
/// </summary>
public sealed record KvmModuleParams
{
    public static KvmModuleParams Default { get; } = new();

    /// <summary>tdp_enabled: without TDP KVM cannot virtualize shadow stacks (R74).</summary>
    public bool TdpEnabled { get; init; } = true;

    /// <summary>allow_smaller_maxphyaddr (kvm-intel): clears SHSTK and IBT (R74).</summary>
    public bool AllowSmallerMaxphyaddr { get; init; }
}
