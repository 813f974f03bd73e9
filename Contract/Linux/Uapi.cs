namespace Xsave.Contract.Linux;

/// <summary>
/// The user-space ABI numbers the contract speaks, in one place: arch_prctl options (arch/x86/include/uapi/asm/prctl.h),
/// KVM capabilities (include/uapi/linux/kvm.h), the MSR indices of the KVM_{GET,SET}_MSRS paths, and their names as
/// a scenario or a report writes them. Nothing outside this file and the two implementations' own tables spells
/// one of these numbers.
/// </summary>
public static class Uapi
{
    /// <summary>arch_prctl options for the xstate components (R64).</summary>
    public static class ArchPrctl
    {
        public const int GetXcompSupp = 0x1021;
        public const int GetXcompPerm = 0x1022;
        public const int ReqXcompPerm = 0x1023;
        public const int GetXcompGuestPerm = 0x1024;
        public const int ReqXcompGuestPerm = 0x1025;

        /// <summary>The REQ argument naming AMX (ARCH_XCOMP_TILECFG/TILEDATA are xfeature numbers, R64).</summary>
        public const int XcompTilecfg = 17;
        public const int XcompTiledata = 18;

        /// <summary>Options that write a u64 to the user pointer given as the argument.</summary>
        public static bool IsGet(int option) => option is GetXcompSupp or GetXcompPerm or GetXcompGuestPerm;

        /// <summary>Options whose argument is an xfeature number.</summary>
        public static bool IsRequest(int option) => option is ReqXcompPerm or ReqXcompGuestPerm;

        public static readonly Names<int> Options = new(
            ("ARCH_GET_XCOMP_SUPP", GetXcompSupp),
            ("ARCH_GET_XCOMP_PERM", GetXcompPerm),
            ("ARCH_REQ_XCOMP_PERM", ReqXcompPerm),
            ("ARCH_GET_XCOMP_GUEST_PERM", GetXcompGuestPerm),
            ("ARCH_REQ_XCOMP_GUEST_PERM", ReqXcompGuestPerm));

        public static readonly Names<int> Arguments = new(
            ("ARCH_XCOMP_TILECFG", XcompTilecfg),
            ("ARCH_XCOMP_TILEDATA", XcompTiledata));
    }

    /// <summary>KVM_CHECK_EXTENSION capabilities (R88).</summary>
    public static class KvmCap
    {
        public const int Xsave = 55;
        public const int Xcrs = 56;
        public const int Xsave2 = 208;

        public static readonly Names<int> All = new(("KVM_CAP_XSAVE", Xsave), ("KVM_CAP_XCRS", Xcrs), ("KVM_CAP_XSAVE2", Xsave2));
    }

    /// <summary>The MSRs of the xstate paths (R10, R11, R82, R83).</summary>
    public static class Msr
    {
        public const uint Ia32Xfd = 0x1C4;
        public const uint Ia32XfdErr = 0x1C5;
        public const uint Ia32Xss = 0xDA0;

        public static readonly Names<uint> All = new(("IA32_XFD", Ia32Xfd), ("IA32_XFD_ERR", Ia32XfdErr), ("IA32_XSS", Ia32Xss));
    }

    /// <summary>KVM_GET_XSAVE's fixed size; KVM_CAP_XSAVE2 answers at least this (R88, R89).</summary>
    public const int KvmXsaveSize = 4096;

    /// <summary>KVM_MAX_CPUID_ENTRIES: the most entries KVM_SET_CPUID2 takes and KVM_GET_CPUID2 returns (R78).</summary>
    public const int KvmMaxCpuidEntries = 256;
}

/// <summary>A two-way table between ABI numbers and their names; look-ups by name ignore case.</summary>
public sealed class Names<T>(params (string Name, T Value)[] entries) where T : struct, IEquatable<T>
{
    public IReadOnlyList<(string Name, T Value)> Entries { get; } = entries;

    public bool TryValue(string name, out T value)
    {
        foreach (var (n, v) in Entries)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        value = default;
        return false;
    }

    /// <summary>The name of <paramref name="value"/>, or null when it has none.</summary>
    public string? NameOf(T value)
    {
        foreach (var (n, v) in Entries)
            if (v.Equals(value)) return n;
        return null;
    }

    public IEnumerable<string> AllNames => Entries.Select(e => e.Name);
}
