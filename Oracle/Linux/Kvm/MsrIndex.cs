namespace Xsave.Oracle.Linux.Kvm;

/// <summary>Architectural MSR numbers of the XSAVE-managed and XSAVE-related MSRs (SDM Vol.4; SPEC R10, R11, R84).</summary>
public static class MsrIndex
{
    public const uint Ia32Xss = 0xDA0;
    public const uint Ia32Xfd = 0x1C4;
    public const uint Ia32XfdErr = 0x1C5;
    public const uint Ia32UCet = 0x6A0;
    public const uint Ia32SCet = 0x6A2;
    public const uint Ia32Pl0Ssp = 0x6A4;
    public const uint Ia32Pl1Ssp = 0x6A5;
    public const uint Ia32Pl2Ssp = 0x6A6;
    public const uint Ia32Pl3Ssp = 0x6A7;
}
