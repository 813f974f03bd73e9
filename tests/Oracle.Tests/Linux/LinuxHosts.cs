namespace Xsave.Oracle.Tests.Linux;

/// <summary>
/// CPU models for the Linux policy tests: the measured host of KERNEL-OBSERVATIONS and variants of real profiles
/// that reach the boot paths no real CPU reaches. Every register value is written out, with where it comes from.
/// </summary>
public static class LinuxHosts
{
    public const string SapphireRapids = Corpus.SapphireRapids;

    /// <summary>
    /// The Zen 5 host of KO §0/§1a (AMD EPYC family 0x1A model 2, under Firecracker): leaf 0xD exactly as measured,
    /// flags as §1a reports them (AVX, AVX-512, CET_SS; no PKU/OSPKE, IBT, AMX), MXCSR_MASK 0x2FFFF (§3c).
    /// </summary>
    public static CpuModel Zen5Ko() => ObservedHost.Zen5() with { Id = "ko-zen5-host" };

    public static CpuModel Spr() => Corpus.Cpu(SapphireRapids);

    public static BootResult Boot(CpuModel cpu, CetSupervisorPolicy policy = CetSupervisorPolicy.Merged) =>
        FpuBoot.Run(cpu, KernelConfig.Default with { Policy = policy });

    public static BootResult Boot(string corpusId, CetSupervisorPolicy policy = CetSupervisorPolicy.Merged) =>
        Boot(Corpus.Cpu(corpusId), policy);

    public static BootResult Zen5Boot(CetSupervisorPolicy policy = CetSupervisorPolicy.Merged) => Boot(Zen5Ko(), policy);

    public static BootResult SprBoot(CetSupervisorPolicy policy = CetSupervisorPolicy.Merged) => Boot(Spr(), policy);

    /// <summary>A copy of <paramref name="cpu"/> with some sub-leaves replaced.</summary>
    public static CpuModel WithSubLeaves(this CpuModel cpu, string id, params (int Index, CpuidRegs Regs)[] leaves)
    {
        var d = new Dictionary<int, CpuidRegs>(cpu.Leaf0D);
        foreach (var (index, regs) in leaves) d[index] = regs;
        return cpu with { Id = id, Leaf0D = d };
    }

    public static FeatureMask Mask(ulong bits) => new(bits);
}
