using Xsave.Contract;

namespace Xsave.Properties.Generators;

/// <summary>
/// The CPU a test case runs on: a real corpus profile or a synthetic one. Printed as the corpus id or the synthetic
/// description, so a counterexample names its CPU in a way a person can look up or rebuild.
/// </summary>
public sealed record CpuCase(CpuModel Cpu, SyntheticCpu? Synthetic)
{
    public bool IsReal => Synthetic is null;

    /// <summary>What shrinking reduces: enumerated components first, then synthetic over real, then options.</summary>
    public (int Components, int Synthetic, int Options) Measure =>
        (Cpu.SupportedAll.Count, IsReal ? 0 : 1, Synthetic?.Weight ?? 0);

    public override string ToString() => IsReal ? $"corpus:{Cpu.Id}" : Synthetic!.ToString();
}
