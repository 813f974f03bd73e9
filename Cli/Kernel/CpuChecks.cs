using System.Text.RegularExpressions;
using Xsave.Contract;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Cli.Kernel;

/// <summary>
/// Group "cpu": the live CPUID leaf 0xD sizes and XCR0 against the oracle's layouts and boot for the same CPU model
/// (R4-R6, R14, R15, R30-R45), the kernel's boot log, /proc/cpuinfo feature flags and AT_MINSIGSTKSZ (R72).
/// </summary>
public static partial class CpuChecks
{
    public const string Group = "cpu";

    /// <summary>Why a check of the host kernel's view says nothing about an emulated CPU.</summary>
    private const string HostKernelView = "the host kernel's view (user-mode QEMU passes system calls to the host kernel), not the emulated CPU's";

    public static IEnumerable<KernelCheck> Run(HostOracle oracle, ProbeRun probe, bool emulated = false)
    {
        var host = oracle.Host;
        var cpu = host.Cpu;
        var arch = oracle.Architecture;
        var boot = oracle.BootResult();
        var xcr0 = host.Xcr0;

        yield return KernelCheck.Compare(Group, "XGETBV(0) = the XCR0 the oracle's boot writes", "R30-R37", boot.Xcr0, xcr0);
        yield return KernelCheck.Compare(Group, "CPUID.(0xD,0).EBX = standard size for XCR0", "R4, R14", (uint)arch.StandardSize(xcr0), cpu.EnabledStandardSize);
        yield return KernelCheck.Compare(Group, "CPUID.(0xD,0).ECX = standard size for every supported XCR0 bit", "R4, R14",
            (uint)arch.StandardSize(cpu.SupportedXcr0), cpu.MaxStandardSize);
        if (cpu.HasXsavec || cpu.HasXsaves)
            yield return KernelCheck.Compare(Group, "CPUID.(0xD,1).EBX = compacted size for XCR0|XSS", "R5, R15",
                (uint)arch.CompactedSize(xcr0 | boot.Xss), cpu.EnabledCompactedSize);
        else
            yield return KernelCheck.Skip(Group, "CPUID.(0xD,1).EBX = compacted size for XCR0|XSS", "R5, R15", "the CPU has neither XSAVEC nor XSAVES");
        foreach (var c in arch.StandardLayout(xcr0).Placements.Where(c => c.Index >= 2))
            yield return KernelCheck.Compare(Group, $"standard offset of component {c.Index} ({ComponentCatalogue.ShortName(c.Index)})", "R6, R12",
                c.Offset, cpu.StandardOffset(c.Index));
        if (host.Xinuse is { } xinuse)
            yield return KernelCheck.Compare(Group, "XGETBV(1) = XINUSE & XCR0: no bit outside XCR0", "R17", true, xinuse.IsSubsetOf(xcr0));

        foreach (var check in CpuidConsistency.Run(host.Cpu)) yield return check;

        if (emulated)
        {
            yield return KernelCheck.Skip(Group, "/proc/cpuinfo flags", "R37", $"/proc/cpuinfo is {HostKernelView}");
            yield return KernelCheck.Skip(Group, "boot log: enabled features, context size, format", "R45", $"dmesg is {HostKernelView}");
            yield return KernelCheck.Skip(Group, "AT_MINSIGSTKSZ = the oracle's max signal frame size", "R72", $"the auxv and signal frames are QEMU's, not a kernel booted on the emulated CPU");
            yield break;
        }
        foreach (var check in CpuinfoFlags(host, boot)) yield return check;
        foreach (var check in BootLog(host, boot)) yield return check;

        if (host.MinSigStkSz is { } minsig and > 0)
            yield return KernelCheck.Compare(Group, "AT_MINSIGSTKSZ = the oracle's max signal frame size", "R72 (init_sigframe_size)",
                (long)SignalFrames.MaxFrameSize(boot), minsig);
        else
            yield return KernelCheck.Skip(Group, "AT_MINSIGSTKSZ = the oracle's max signal frame size", "R72", "the kernel does not expose AT_MINSIGSTKSZ in auxv");
    }

    /// <summary>/proc/cpuinfo shows the kernel's capabilities after boot: the oracle's CpuCaps (R37, R38a).</summary>
    private static IEnumerable<KernelCheck> CpuinfoFlags(HostFacts host, BootResult boot)
    {
        if (host.CpuinfoFlags.Count == 0)
        {
            yield return KernelCheck.Skip(Group, "/proc/cpuinfo flags", "R37", "/proc/cpuinfo has no flags line");
            yield break;
        }
        (string Flag, CpuCap Cap)[] flags =
        [
            ("xsave", CpuCap.Xsave), ("xsaveopt", CpuCap.Xsaveopt), ("xsavec", CpuCap.Xsavec), ("xgetbv1", CpuCap.Xgetbv1),
            ("xsaves", CpuCap.Xsaves), ("avx", CpuCap.Avx), ("avx512f", CpuCap.Avx512F), ("pku", CpuCap.Pku), ("ospke", CpuCap.Ospke),
        ];
        foreach (var (flag, cap) in flags)
            yield return KernelCheck.Compare(Group, $"/proc/cpuinfo '{flag}' = the oracle's boot capability", "R37, R38a",
                boot.Caps.Has(cap), host.CpuinfoFlags.Contains(flag));
    }

    /// <summary>The kernel's "Enabled xstate features …, context size is …" line against the oracle's own (R45).</summary>
    private static IEnumerable<KernelCheck> BootLog(HostFacts host, BootResult boot)
    {
        const string name = "boot log: enabled features, context size, format";
        var expected = boot.KernelLog.Select(l => EnabledLine().Match(l)).FirstOrDefault(m => m.Success);
        if (host.FpuLog is null)
        {
            yield return KernelCheck.Skip(Group, name, "R45", host.DmesgProblem ?? "dmesg unreadable");
            yield break;
        }
        var observed = host.FpuLog.Select(l => EnabledLine().Match(l)).FirstOrDefault(m => m.Success);
        if (observed is null || expected is null)
        {
            yield return KernelCheck.Skip(Group, name, "R45", observed is null ? "no 'Enabled xstate features' line in dmesg" : "the oracle's boot logs no such line",
                expected?.Value, observed?.Value);
            yield break;
        }
        yield return KernelCheck.Compare(Group, "boot log: enabled xstate features (kernel max_features)", "R30, R45", expected.Groups[1].Value, observed.Groups[1].Value);
        yield return KernelCheck.Compare(Group, "boot log: context size (kernel max_size)", "R30, R45", expected.Groups[2].Value, observed.Groups[2].Value);
        yield return KernelCheck.Compare(Group, "boot log: buffer format", "R30, R45", expected.Groups[3].Value, observed.Groups[3].Value);
    }

    [GeneratedRegex(@"Enabled xstate features (0x[0-9a-f]+), context size is (\d+) bytes, using '(\w+)' format")]
    private static partial Regex EnabledLine();
}
