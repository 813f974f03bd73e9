using System.Diagnostics;
using System.Globalization;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Kernel;

/// <summary>Who provides /dev/kvm here: none, the upstream modules, or the out-of-tree PVM module (KO §0).</summary>
public enum KvmProvider { None, Upstream, Pvm }

/// <summary>
/// What the live host is, as the oracle needs it: the CPU model built from live CPUID (leaf 0xD, leaves 1/7 flags,
/// MXCSR_MASK from FXSAVE), the kernel configuration detected from uname, /proc and the boot log (mapping:
/// docs/kernel-adapter.md), and the live values the checks start from (XCR0, AT_MINSIGSTKSZ, the KVM provider).
/// </summary>
public sealed record HostFacts
{
    public required CpuModel Cpu { get; init; }
    public required KernelConfig Config { get; init; }
    public required FeatureMask Xcr0 { get; init; }
    public FeatureMask? Xinuse { get; init; }
    public long? MinSigStkSz { get; init; }
    public required string Release { get; init; }
    public required IReadOnlyList<string> ConfigNotes { get; init; }
    /// <summary>The kernel's x86/fpu boot lines, or null when dmesg cannot be read (<see cref="DmesgProblem"/>).</summary>
    public IReadOnlyList<string>? FpuLog { get; init; }
    public string? DmesgProblem { get; init; }
    public required KvmProvider Kvm { get; init; }
    public required string KvmEvidence { get; init; }
    public required bool Root { get; init; }
    public required IReadOnlySet<string> CpuinfoFlags { get; init; }

    /// <summary>Builds the facts from the probe's "cpu" group and the host's /proc files; null with a reason when the
    /// group gave no leaf 0xD.</summary>
    public static (HostFacts? Facts, string? Problem) From(ProbeRun cpu)
    {
        var leaves = cpu.Named("cpuid").Select(l => (Leaf: l.Hex("leaf") ?? 0, Sub: l.Hex("sub") ?? 0,
            Regs: new CpuidRegs((uint)(l.Hex("eax") ?? 0), (uint)(l.Hex("ebx") ?? 0), (uint)(l.Hex("ecx") ?? 0), (uint)(l.Hex("edx") ?? 0)))).ToList();
        CpuidRegs Get(ulong leaf, ulong sub) => leaves.FirstOrDefault(x => x.Leaf == leaf && x.Sub == sub).Regs;
        var d = leaves.Where(x => x.Leaf == 0xD).ToDictionary(x => (int)x.Sub, x => x.Regs);
        if (d.Count == 0) return (null, cpu.Failure ?? "the CPU does not enumerate CPUID leaf 0xD");

        var l1 = Get(1, 0);
        var l7 = Get(7, 0);
        var l71 = Get(7, 1);
        uint eax1 = l1.Eax;
        int family = (int)((eax1 >> 8) & 0xF) + ((((eax1 >> 8) & 0xF) == 0xF) ? (int)((eax1 >> 20) & 0xFF) : 0);
        int model = (int)((eax1 >> 4) & 0xF) | (int)(((eax1 >> 16) & 0xF) << 4);
        var cpuinfo = ReadText("/proc/cpuinfo") ?? "";
        var flags = cpuinfo.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
        uint? microcode = cpuinfo.Split('\n').FirstOrDefault(l => l.StartsWith("microcode", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() is { } mc &&
            uint.TryParse(mc.Replace("0x", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var m) ? m : null;

        static bool Bit(uint reg, int bit) => ((reg >> bit) & 1) != 0;
        var cpuModel = new CpuModel
        {
            Id = "live-host",
            Vendor = cpu.First("vendor")?.Str("value") ?? "unknown",
            Family = family,
            Model = model,
            Stepping = (int)(eax1 & 0xF),
            MicrocodeRevision = microcode,
            Leaf0D = d,
            MxcsrMask = (uint)(cpu.First("mxcsr_mask")?.Hex("value") is { } mask and not 0 ? mask : 0xFFBF),
            Flags = new CpuFeatureFlags
            {
                Fpu = Bit(l1.Edx, 0), Fxsr = Bit(l1.Edx, 24), Xmm = Bit(l1.Edx, 25), Xsave = Bit(l1.Ecx, 26), Avx = Bit(l1.Ecx, 28),
                Hypervisor = Bit(l1.Ecx, 31), Avx512F = Bit(l7.Ebx, 16), Mpx = Bit(l7.Ebx, 14), IntelPt = Bit(l7.Ebx, 25),
                Pku = Bit(l7.Ecx, 3), Ospke = Bit(l7.Ecx, 4), Shstk = Bit(l7.Ecx, 7), Enqcmd = Bit(l7.Ecx, 29),
                Uintr = Bit(l7.Edx, 5), ArchLbr = Bit(l7.Edx, 19), Ibt = Bit(l7.Edx, 20), AmxTile = Bit(l7.Edx, 24), Apx = Bit(l71.Edx, 21),
            },
        };

        var release = cpu.First("uname")?.Str("release") ?? "unknown";
        var (config, notes) = DetectConfig(release, cpu.First("uname")?.Str("machine"));
        var (log, problem) = ReadFpuLog();
        var (kvm, evidence) = DetectKvm();
        return (new HostFacts
        {
            Cpu = cpuModel,
            Config = config,
            Xcr0 = new FeatureMask(cpu.Named("xgetbv").FirstOrDefault(l => l.Hex("ecx") == 0)?.Hex("value") ?? 0),
            Xinuse = cpu.Named("xgetbv").FirstOrDefault(l => l.Hex("ecx") == 1)?.Hex("value") is { } x ? new FeatureMask(x) : null,
            MinSigStkSz = cpu.First("auxv")?.Int("AT_MINSIGSTKSZ"),
            Release = release,
            ConfigNotes = notes,
            FpuLog = log,
            DmesgProblem = problem,
            Kvm = kvm,
            KvmEvidence = evidence,
            Root = Environment.UserName == "root",
            CpuinfoFlags = flags,
        }, null);
    }

    /// <summary>
    /// The mapping to <see cref="KernelConfig"/> (docs/kernel-adapter.md): 64-bit from uname -m; "noxsave" and
    /// "strict_sas_size" from /proc/cmdline; CONFIG_IA32_EMULATION and CONFIG_STRICT_SIGALTSTACK_SIZE from the kernel's
    /// config (/proc/config.gz or /boot/config-RELEASE) when it is readable, else the stock defaults (noted).
    /// </summary>
    private static (KernelConfig, IReadOnlyList<string>) DetectConfig(string release, string? machine)
    {
        var notes = new List<string>();
        var cmdline = ReadText("/proc/cmdline") ?? "";
        var words = cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kconfig = ReadText($"/boot/config-{release}");
        if (kconfig is null) notes.Add("kernel .config not readable (/boot/config-RELEASE): IA32_EMULATION=y and STRICT_SIGALTSTACK_SIZE=n assumed (stock defaults)");
        bool Kconfig(string name, bool dflt) => kconfig is null ? dflt : kconfig.Contains($"\n{name}=y", StringComparison.Ordinal);
        var config = KernelConfig.Default with
        {
            Is64Bit = machine is null or "x86_64",
            NoXsave = words.Contains("noxsave"),
            Ia32Emulation = Kconfig("CONFIG_IA32_EMULATION", true) && !words.Contains("ia32_emulation=false"),
            StrictSigaltstackSize = Kconfig("CONFIG_STRICT_SIGALTSTACK_SIZE", false) || words.Contains("strict_sas_size"),
        };
        notes.Add("CET supervisor policy: merged (every released kernel since the CET series; not visible from user space)");
        return (config, notes);
    }

    private static (IReadOnlyList<string>?, string?) ReadFpuLog()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("dmesg") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (p is null) return (null, "dmesg could not be started");
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(10))) { p.Kill(true); p.WaitForExit(); return (null, "dmesg hung"); }
            if (p.ExitCode != 0) return (null, $"dmesg is not readable: {error.Result.Trim()}");
            var lines = output.Result.Split('\n').Where(l => l.Contains("x86/fpu:", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("x86/fpu:", StringComparison.Ordinal))..].Trim()).ToList();
            return lines.Count == 0 ? (null, "the boot log holds no x86/fpu lines (ring buffer wrapped?)") : (lines, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return (null, $"dmesg is not available: {e.Message}");
        }
    }

    private static (KvmProvider, string) DetectKvm()
    {
        if (!File.Exists("/dev/kvm")) return (KvmProvider.None, "no /dev/kvm");
        var modules = ReadText("/proc/modules");
        if ((modules?.Contains("kvm_pvm", StringComparison.Ordinal) ?? false) || Directory.Exists("/sys/module/kvm_pvm"))
            return (KvmProvider.Pvm, "kvm_pvm is loaded (/proc/modules or /sys/module/kvm_pvm)");
        return (KvmProvider.Upstream, "kvm without kvm_pvm");
    }

    private static string? ReadText(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
