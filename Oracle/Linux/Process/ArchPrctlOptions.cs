namespace Xsave.Oracle.Linux.Process;

/// <summary>The arch_prctl options of the XCOMP family (uapi asm/prctl.h, SPEC R64) and the facility numbers.</summary>
public static class ArchPrctlOptions
{
    public const int GetXcompSupp = 0x1021;
    public const int GetXcompPerm = 0x1022;
    public const int ReqXcompPerm = 0x1023;
    public const int GetXcompGuestPerm = 0x1024;
    public const int ReqXcompGuestPerm = 0x1025;

    /// <summary>ARCH_XCOMP_TILECFG: not requestable on its own (R65 step 2).</summary>
    public const ulong XcompTileCfg = 17;

    /// <summary>ARCH_XCOMP_TILEDATA: names the AMX facility (TILECFG + TILEDATA).</summary>
    public const ulong XcompTileData = 18;
}
