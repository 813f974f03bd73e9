using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// Shrinks a scenario toward fewer and simpler operations on a simpler CPU: drop halves, then single operations (the
/// operations that then name something no longer created are dropped too), then simplify arguments (fewer guest
/// events, smaller masks, image bodies zeroed), then the CPU, then the configuration toward the default. Every
/// candidate is strictly smaller by (operation count, argument weight), so shrinking terminates.
/// </summary>
public static class KernelScenarioShrinker
{
    public static IEnumerable<KernelScenario> Shrink(KernelScenario s, Func<CpuCase, IEnumerable<CpuCase>> shrinkCpu)
    {
        var ops = s.Ops;
        // Big steps first: keep only the first half, or only the second half.
        if (ops.Count >= 4)
        {
            yield return s with { Ops = WorldShape.KeepValid(ops.Take(ops.Count / 2)) };
            yield return s with { Ops = WorldShape.KeepValid(ops.Skip(ops.Count / 2)) };
        }
        for (int i = ops.Count - 1; i >= 0; i--)
            yield return s with { Ops = WorldShape.KeepValid(ops.Where((_, k) => k != i)) };

        for (int i = 0; i < ops.Count; i++)
            foreach (var simpler in SimplerOps(ops[i]))
                yield return s with { Ops = ops.Select((op, k) => k == i ? simpler : op).ToList() };

        foreach (var cpu in shrinkCpu(s.Cpu)) yield return s with { Cpu = cpu };
        if (s.Config != KernelConfig.Default && s.Config.Policy != CetSupervisorPolicy.Merged)
            yield return s with { Config = s.Config with { Policy = CetSupervisorPolicy.Merged } };
        if (!s.Config.Is64Bit) yield return s with { Config = s.Config with { Is64Bit = true } };
        // Boot options go toward none: first all of clearcpuid=, then each flag alone.
        if (s.Config.ClearCpuid != CpuidFlags.None)
        {
            yield return s with { Config = s.Config with { ClearCpuid = CpuidFlags.None } };
            foreach (var flag in CpuidFlagNames.Each(s.Config.ClearCpuid).Skip(1))
                yield return s with { Config = s.Config with { ClearCpuid = flag } };
        }
        if (s.Config.NoXsaves) yield return s with { Config = s.Config with { NoXsaves = false } };
        if (s.Config.NoXsaveopt) yield return s with { Config = s.Config with { NoXsaveopt = false } };
    }

    /// <summary>Weight of an operation's arguments: what <see cref="SimplerOps"/> strictly reduces, by argument kind.</summary>
    public static int Weight(KernelOp op)
    {
        var d = KernelOps.For(op);
        var values = d.Read(op);
        return d.Args.Sum(arg => Weight(arg.Kind, values[arg.Name]));
    }

    private static int Weight(ArgKind kind, object value) => kind switch
    {
        ArgKind.GuestEvents => 1 + ((IReadOnlyList<GuestEvent>)value).Count,
        ArgKind.Image => NonZeroBody((byte[])value),
        ArgKind.Mask => System.Numerics.BitOperations.PopCount((ulong)value),
        // Ids, sizes, options, MSRs, CPUID and XCR lists: kept as generated (changing them changes what the step means).
        ArgKind.Int or ArgKind.UInt or ArgKind.ULong or ArgKind.Bool or ArgKind.ArchPrctlOption or ArgKind.ArchPrctlArg
            or ArgKind.KvmCapability or ArgKind.Msr or ArgKind.CpuidEntries or ArgKind.Xcrs or ArgKind.Xfeature => 0,
        _ => throw new InvalidOperationException($"argument kind {kind} has no shrinking rule"),
    };

    /// <summary>Each argument one step simpler (fewer guest events, a zeroed image body, a smaller mask).</summary>
    private static IEnumerable<KernelOp> SimplerOps(KernelOp op)
    {
        var d = KernelOps.For(op);
        var values = d.Read(op);
        foreach (var arg in d.Args)
            foreach (var simpler in Simpler(arg.Kind, values[arg.Name]))
            {
                var changed = d.Read(op).Set(arg.Name, simpler);
                yield return (KernelOp)d.Create(changed);
            }
    }

    private static IEnumerable<object> Simpler(ArgKind kind, object value)
    {
        switch (kind)
        {
            case ArgKind.GuestEvents:
                var events = (IReadOnlyList<GuestEvent>)value;
                for (int k = events.Count - 1; k >= 0; k--) yield return (IReadOnlyList<GuestEvent>)events.Where((_, j) => j != k).ToList();
                break;
            case ArgKind.Image when NonZeroBody((byte[])value) > 0:
                yield return ZeroBody((byte[])value);
                break;
            case ArgKind.Mask:
                foreach (var m in MaskGen.Shrink(new FeatureMask((ulong)value))) yield return m.Bits;
                break;
        }
    }

    /// <summary>Component and register bytes (everything but FCW, MXCSR, MXCSR_MASK and the header).</summary>
    private static int NonZeroBody(byte[] image)
    {
        int n = 0;
        for (int i = 0; i < image.Length; i++)
            if (image[i] != 0 && !IsKept(i)) n++;
        return n;
    }

    private static byte[] ZeroBody(byte[] image)
    {
        var copy = new byte[image.Length];
        for (int i = 0; i < image.Length; i++) if (IsKept(i)) copy[i] = image[i];
        return copy;
    }

    private static bool IsKept(int i) => i is < XsaveImage.FcwOffset + 2 or (>= XsaveImage.MxcsrOffset and < XsaveImage.MxcsrMaskOffset + 4)
        or (>= XsaveImage.XstateBvOffset and < XsaveImage.MinimumSize);
}
