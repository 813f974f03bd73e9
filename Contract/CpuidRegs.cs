namespace Xsave.Contract;

/// <summary>The four registers one CPUID sub-leaf returns.</summary>
public readonly record struct CpuidRegs(uint Eax, uint Ebx, uint Ecx, uint Edx)
{
    public static readonly CpuidRegs Zero = default;
    public bool IsZero => Eax == 0 && Ebx == 0 && Ecx == 0 && Edx == 0;
    public override string ToString() => $"eax=0x{Eax:x8} ebx=0x{Ebx:x8} ecx=0x{Ecx:x8} edx=0x{Edx:x8}";
}
