using Xsave.Contract;
using Xsave.Contract.Linux;
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
    }

    /// <summary>Weight of an operation's arguments: what <see cref="SimplerOps"/> strictly reduces.</summary>
    public static int Weight(KernelOp op) => op switch
    {
        KvmRunOp o => 1 + o.Exits.Count,
        SetXsaveOp o => NonZeroBody(o.Image),
        PtraceSetXstateOp o => NonZeroBody(o.Data),
        SetMsrOp o => System.Numerics.BitOperations.PopCount(o.Value),
        XfdFaultOp o => o.XfdErr.Count,
        _ => 0,
    };

    private static IEnumerable<KernelOp> SimplerOps(KernelOp op)
    {
        switch (op)
        {
            case KvmRunOp run:
                for (int k = run.Exits.Count - 1; k >= 0; k--)
                    yield return run with { Exits = run.Exits.Where((_, j) => j != k).ToList() };
                break;
            case SetXsaveOp set when NonZeroBody(set.Image) > 0:
                yield return set with { Image = ZeroBody(set.Image) };
                break;
            case PtraceSetXstateOp set when NonZeroBody(set.Data) > 0:
                yield return set with { Data = ZeroBody(set.Data) };
                break;
            case SetMsrOp msr:
                foreach (var m in MaskGen.Shrink(new FeatureMask(msr.Value))) yield return msr with { Value = m.Bits };
                break;
            case XfdFaultOp nm:
                foreach (var m in MaskGen.Shrink(nm.XfdErr)) yield return nm with { XfdErr = m };
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
