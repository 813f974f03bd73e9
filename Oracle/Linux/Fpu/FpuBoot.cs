using Xsave.Contract.Linux;
using System.Globalization;
using Xsave.Contract;
using Xsave.Oracle.Architecture;

namespace Xsave.Oracle.Linux.Fpu;

/// <summary>
/// fpu__init_system() for one CPU model and kernel configuration (SPEC B2, R30-R45, R38a): the legacy sizes, then
/// fpu__init_system_xstate() step by step. Conventions: <c>kmax</c> is fpu_kernel_cfg.max_features while it is being
/// narrowed; <c>caps</c> is boot_cpu_data.
/// </summary>
/// <remarks>
/// The CET supervisor policy (<see cref="KernelConfig.Policy"/>) changes only the masks of R38/R39, and so what R40
/// writes to IA32_XSS and the sizes R41 derives from them:
/// <list type="bullet">
/// <item><see cref="CetSupervisorPolicy.Merged"/>: R39 as written — host default mask ~(USER_DYNAMIC|GUEST_SUPERVISOR),
/// guest default mask ~USER_DYNAMIC; CET_KERNEL is in kernel.max (so in XSS) and in guest fpstates only.</item>
/// <item><see cref="CetSupervisorPolicy.AllTasks"/>: the host default mask is ~USER_DYNAMIC as well, so
/// kernel.default_features (every task's fpstate, init_fpstate, perm) carries CET_KERNEL and
/// guest_default_cfg = kernel defaults.</item>
/// <item><see cref="CetSupervisorPolicy.None"/>: CET_KERNEL is removed from kernel.max right after R38, so it is in no
/// fpstate, not in guest_default_cfg and not in IA32_XSS (supervisor() is derived from kernel.max).</item>
/// </list>
/// </remarks>
public static class FpuBoot
{
    /// <summary>sizeof(init_fpstate.regs): union fpregs_state is padded to PAGE_SIZE (R42).</summary>
    public const uint InitFpstateBufferSize = 4096;

    public static BootResult Run(CpuModel cpu, KernelConfig config)
    {
        var log = new List<string>();
        // The capability bitmap after the command line; constant boot_cpu_has() tests see the 64-bit required bits.
        var bitmap = CpuCaps.Initial(cpu, config);
        var caps = bitmap.WithRequired(cpu, config);

        // fpu__init_system_mxcsr: the feature mask comes from FXSAVE's MXCSR_MASK (0 means 0xFFBF); without FXSR the
        // variable keeps its initialiser, all ones.
        uint mxcsrFeatureMask = !caps.Has(CpuCap.Fxsr) ? 0xFFFFFFFFu
            : cpu.MxcsrMask == 0 ? LegacyFpu.DefaultMxcsrFeatureMask : cpu.MxcsrMask;

        // R43: fpu__init_system_xstate_size_legacy runs first; XSAVE setup may overwrite these sizes.
        var (legacySize, legacyFeatures) = LegacySize(caps, config);

        var ctx = new BootContext(cpu, config, log, mxcsrFeatureMask, legacySize, legacyFeatures);

        // x86-64 requires FPU, FXSR and SSE (REQUIRED_MASK0): verify_cpu refuses a CPU without them before the kernel
        // proper runs. Only the CPU's own bits count: clearcpuid= acts later, on the capability bitmap.
        if (config.Is64Bit && MissingRequired(cpu.Flags) is { } missing)
            return ctx.Refused(caps, BootSummary.RequiredFeaturesFailure(missing));

        // No FPU at all: math emulation (32-bit only), nothing XSAVE-related happens.
        if (!caps.Has(CpuCap.Fpu))
            return ctx.Legacy(caps.Without(CpuCap.Xsave), "no FPU (math emulation)");

        // R32: without XSAVE the legacy mode stays; the XSAVE cap is cleared with everything depending on it.
        if (!caps.Has(CpuCap.Xsave))
        {
            log.Add("x86/fpu: x87 FPU will use " + (caps.Has(CpuCap.Fxsr) ? "FXSAVE" : "FSAVE"));
            // The CPU had XSAVE and only the command line can have taken it (clearcpuid= of xsave, fxsr or fpu).
            string reason = config.NoXsave ? "XSAVE disabled by noxsave" : cpu.Flags.Xsave ? "XSAVE disabled by clearcpuid=" : "CPU has no XSAVE";
            return ctx.Legacy(caps.Without(CpuCap.Xsave), reason);
        }

        // R32: every component the CPU enumerates, user (sub-leaf 0) and supervisor (sub-leaf 1).
        var kmax = cpu.SupportedXcr0 | cpu.SupportedXss;

        // R33: x87 and SSE must be XSAVE-managed.
        if (!XfeatureMasks.FpSse.IsSubsetOf(kmax))
            return ctx.Disable(caps, $"x86/fpu: FP/SSE not present amongst the CPU's xstate features: {kmax.ToHex()}.",
                "FP/SSE not present amongst the CPU's xstate features", partial: null);

        // R34: AVX and AVX-512 caps are cleared (no disable) when their state is not enumerated.
        var needed = XfeatureMasks.FpSse.With(XFeature.Ymm);
        if (caps.Has(CpuCap.Avx) && !needed.IsSubsetOf(kmax))
        {
            log.Add("[Firmware Bug]: x86/fpu: Disabling AVX support due to missing xstate features");
            caps = caps.Without(CpuCap.Avx);
        }
        needed |= XfeatureMasks.Avx512;
        if (caps.Has(CpuCap.Avx512F) && !needed.IsSubsetOf(kmax))
        {
            log.Add("[Firmware Bug]: x86/fpu: Disabling AVX-512 support due to missing xstate features");
            caps = caps.Without(CpuCap.Avx512F);
        }

        // R35 (H21): APX and MPX share the 960.. region; both enumerated -> XSAVE disabled.
        if (kmax.Contains(XFeature.Apx) && kmax.Overlaps(ArchMasks.Mpx))
            return ctx.Disable(caps, $"x86/fpu: Both APX/MPX present in the CPU's xstate features: {kmax.ToHex()}.",
                "Both APX/MPX present in the CPU's xstate features", partial: null);

        // R36 (H12): independent features are taken from the raw enumeration, before the flag filtering.
        var independent = kmax & XfeatureMasks.Independent;

        // R37: a component stays only if the CPU feature it maps to is present; 13..16 map to nothing.
        // xsave_cpuid_features[i] is a variable, so boot_cpu_has() reads the bitmap: a clearcpuid=fpu/sse clears FP/SSE
        // here even on a 64-bit kernel that requires them.
        for (int i = 0; i < XFeatures.Max; i++)
        {
            bool? present = i <= 1 ? bitmap.HasFeatureFor(i) : caps.HasFeatureFor(i);
            if (present != true) kmax = kmax.Without(i);
        }

        // R38: XTILE_DATA needs XFD; supervisor states need XSAVES.
        if (!caps.Has(CpuCap.Xfd)) kmax = kmax.Except(XfeatureMasks.UserDynamic);
        var userSupported = KernelMasks.UserSupported(config);
        kmax = caps.Has(CpuCap.Xsaves) ? kmax & (userSupported | XfeatureMasks.SupervisorSupported) : kmax & userSupported;

        // Policy None: no CET supervisor state anywhere, so not in kernel.max (hence not in XSS either).
        if (config.Policy == CetSupervisorPolicy.None) kmax = kmax.Except(XfeatureMasks.GuestSupervisor);

        var kernelMax = kmax;
        var userMax = kmax & userSupported;

        // R39: default feature sets.
        var kernelDefault = kernelMax & KernelMasks.HostDefaultMask(config);
        var userDefault = userMax & KernelMasks.HostDefaultMask(config);
        var guestFeatures = kernelMax & KernelMasks.GuestDefaultMask(config);
        var initXfd = userMax & XfeatureMasks.UserDynamic;
        bool compacted = caps.Has(CpuCap.Xsavec) || caps.Has(CpuCap.Xsaves);
        caps = caps.Set(CpuCap.Xcompacted, compacted);

        var partial = new PartialConfig(kernelMax, kernelDefault, independent, userMax, userDefault, guestFeatures);

        // R40: the per-CPU register setup.
        var supervisor = kernelMax & XfeatureMasks.SupervisorSupported;
        var independentInXss = caps.Has(CpuCap.ArchLbr) ? independent : independent.Except(XfeatureMasks.Independent);
        var xcr0 = userMax;
        var xss = caps.Has(CpuCap.Xsaves) ? supervisor | independentInXss : FeatureMask.None;
        var xfd = caps.Has(CpuCap.Xfd) ? initXfd : FeatureMask.None;

        // fpu__init_cpu_xstate: xsetbv(XCR0, user.max_features) has no exception fixup. A value XSETBV refuses (R8) -
        // XTILE_CFG without XTILE_DATA when AMX_TILE is set but XFD is not (F3), YMM without SSE after clearcpuid=sse,
        // AVX-512 without AVX - is a #GP in the kernel: the boot dies (BootSummary.Failure).
        if (!Xcr0Rules.Check(xcr0, cpu.SupportedXcr0).Valid)
            return ctx.Failed(caps, xcr0);

        // R41: sizes. The CPU reports sub-leaf 0 EBX for the XCR0 just written (the standard size of user.max) and
        // sub-leaf 1 EBX for XCR0 | XSS with the independent features left out of XSS (the compacted size).
        uint userMaxSize = (uint)StandardLayout.Size(cpu, xcr0);
        uint kernelMaxSize = compacted ? (uint)CompactedLayout.Size(cpu, xcr0 | supervisor) : userMaxSize;
        uint kernelDefaultSize = XstateSizes.Calculate(cpu, config, kernelDefault, compacted);

        // R42 (paranoid_xstate_size_valid): struct sizes, supervisor states without XSAVES, the recomputed size.
        foreach (int i in kernelMax.Indices().Where(i => i >= 2))
        {
            var info = ComponentCatalogue.Find(i);
            if (i == (int)XFeature.XtileData)
            {
                // check_xtile_data_against_struct compares with CPUID leaf 0x1D (not in the model); its result is
                // ignored by the kernel anyway.
            }
            else if (info?.StructSize is not int structSize)
            {
                return ctx.Disable(caps, $"WARNING: XSAVE consistency problem: No structure for xstate: {i}",
                    $"No structure for xstate: {i}", partial);
            }
            else if (structSize != cpu.ComponentSize(i))
            {
                // XCHECK_SZ only warns.
                log.Add($"WARNING: [{info.LinuxName}]: struct is {structSize} bytes, cpu state {cpu.ComponentSize(i)} bytes");
            }
            if (!caps.Has(CpuCap.Xsaves) && cpu.IsSupervisorEnumerated(i))
                return ctx.Disable(caps, $"WARNING: XSAVE consistency problem: Got supervisor feature {i}, but XSAVES not advertised",
                    $"Got supervisor feature {i}, but XSAVES not advertised", partial);
        }
        uint recomputed = XstateSizes.Calculate(cpu, config, kernelMax, compacted);
        if (recomputed != kernelMaxSize)
            return ctx.Disable(caps, $"WARNING: XSAVE consistency problem: size {recomputed} != kernel_size {kernelMaxSize}",
                $"size {recomputed} != kernel_size {kernelMaxSize}", partial);

        uint userDefaultSize = XstateSizes.Calculate(cpu, config, userDefault, compacted: false);
        uint guestSize = XstateSizes.Calculate(cpu, config, guestFeatures, compacted);

        var kernel = new FpuStateConfig(kernelMaxSize, kernelDefaultSize, kernelMax, kernelDefault, FeatureMask.None, independent);
        var user = new FpuStateConfig(userMaxSize, userDefaultSize, userMax, userDefault, legacyFeatures, FeatureMask.None);
        var guest = new VcpuFpuConfig(guestSize, guestFeatures);

        // R42: init_fpstate must fit its static buffer.
        if (kernelDefaultSize > InitFpstateBufferSize)
            return ctx.Disable(caps, $"x86/fpu: init_fpstate buffer too small ({InitFpstateBufferSize} < {kernelDefaultSize})",
                $"init_fpstate buffer too small ({InitFpstateBufferSize} < {kernelDefaultSize})", partial);

        // R54: init_fpstate.
        var init = InitFpstate.ForXsave(cpu, kernel, user, initXfd, compacted);

        // setup_init_fpu_buf prints the supported features; the paranoia check (kernel.max unchanged) holds by
        // construction here.
        for (int i = 0; i < XFeatures.Max; i++)
            if (kernelMax.Contains(i))
                log.Add(string.Create(CultureInfo.InvariantCulture,
                    $"x86/fpu: Supporting XSAVE feature 0x{1UL << i:x3}: '{ComponentCatalogue.Find(i)?.LinuxName}'"));

        caps = caps.Set(CpuCap.Osxsave);
        var result = new BootResult
        {
            Cpu = cpu,
            Config = config,
            XsaveEnabled = true,
            Compacted = compacted,
            DisabledReason = null,
            Xcr0 = xcr0,
            Xss = xss,
            Xfd = xfd,
            Kernel = kernel,
            User = user,
            Guest = guest,
            InitFpstate = init,
            Caps = caps,
            MxcsrFeatureMask = mxcsrFeatureMask,
            KernelLog = log,
        };

        // print_xstate_offset_size and the summary line (KO §0).
        foreach (int i in kernelMax.Indices().Where(i => i >= 2))
        {
            int offset = compacted ? CompactedLayout.For(cpu, kernelMax).Find(i)!.Value.Offset : cpu.StandardOffset(i);
            log.Add(string.Create(CultureInfo.InvariantCulture,
                $"x86/fpu: xstate_offset[{i}]: {offset,4}, xstate_sizes[{i}]: {cpu.ComponentSize(i),4}"));
        }
        log.Add(string.Create(CultureInfo.InvariantCulture,
            $"x86/fpu: Enabled xstate features {kernelMax.ToHex()}, context size is {kernelMaxSize} bytes, using '{(compacted ? "compacted" : "standard")}' format."));
        return result;
    }

    /// <summary>R43: the size and user.legacy_features of the pre-XSAVE formats.</summary>
    public static (uint Size, FeatureMask LegacyFeatures) LegacySize(CpuCaps caps, KernelConfig config)
    {
        if (!caps.Has(CpuCap.Fpu)) return (LegacyFpu.SwregsStateSize(config.Is64Bit), FeatureMask.None);
        if (caps.Has(CpuCap.Fxsr)) return (LegacyFpu.FxregsStateSize, XfeatureMasks.FpSse);
        return (LegacyFpu.FregsStateSize, FeatureMask.Of(XFeature.Fp));
    }

    /// <summary>The x86-64 baseline bits this model knows (FPU, FXSR, SSE) the CPU lacks, as cpuinfo names; null if none.</summary>
    private static string? MissingRequired(CpuFeatureFlags f)
    {
        var names = new List<string>();
        if (!f.Fpu) names.Add("fpu");
        if (!f.Fxsr) names.Add("fxsr");
        if (!f.Xmm) names.Add("sse");
        return names.Count == 0 ? null : string.Join(' ', names);
    }

    /// <summary>The masks computed before a late disable; as coded, R44 clears only kernel.max_features.</summary>
    private sealed record PartialConfig(FeatureMask KernelMax, FeatureMask KernelDefault, FeatureMask Independent,
        FeatureMask UserMax, FeatureMask UserDefault, FeatureMask GuestFeatures);

    /// <summary>What every exit of the boot needs: the inputs, the log and the legacy figures.</summary>
    private sealed record BootContext(CpuModel Cpu, KernelConfig Config, List<string> Log, uint MxcsrFeatureMask,
        uint LegacySize, FeatureMask LegacyFeatures)
    {
        /// <summary>XSETBV refused <paramref name="xcr0"/>: the kernel dies; nothing after it exists.</summary>
        public BootResult Failed(CpuCaps caps, FeatureMask xcr0)
        {
            Log.Add($"general protection fault in xsetbv (fpu__init_cpu_xstate): XCR0 {xcr0}");
            Log.Add("Kernel panic - not syncing: Attempted to kill the idle task!");
            return Legacy(caps, "boot failed") with { DisabledReason = null, Xcr0 = xcr0, Failure = BootSummary.XsetbvFailure(xcr0) };
        }

        /// <summary>The CPU is refused before the FPU code runs (<paramref name="failure"/>, the contract's words); XCR0 0.</summary>
        public BootResult Refused(CpuCaps caps, string failure)
        {
            Log.Add(failure);
            return Legacy(caps, "boot failed") with { DisabledReason = null, Failure = failure };
        }

        /// <summary>R43: XSAVE is not used at all; every size is the legacy size, no feature set beyond the legacy one.</summary>
        public BootResult Legacy(CpuCaps caps, string reason) => new()
        {
            Cpu = Cpu,
            Config = Config,
            XsaveEnabled = false,
            Compacted = false,
            DisabledReason = reason,
            Xcr0 = FeatureMask.None,
            Xss = FeatureMask.None,
            Xfd = FeatureMask.None,
            Kernel = new FpuStateConfig(LegacySize, LegacySize, FeatureMask.None, FeatureMask.None, FeatureMask.None, FeatureMask.None),
            User = new FpuStateConfig(LegacySize, LegacySize, FeatureMask.None, FeatureMask.None, LegacyFeatures, FeatureMask.None),
            Guest = new VcpuFpuConfig(LegacySize, FeatureMask.None),
            InitFpstate = InitFpstate.ForLegacy(caps, LegacySize),
            Caps = caps,
            MxcsrFeatureMask = MxcsrFeatureMask,
            KernelLog = Log,
        };

        /// <summary>
        /// R44, fpu__init_disable_system_xstate: kernel.max_features := 0, OSXSAVE and XSAVE (with its dependents)
        /// cleared, all five sizes := legacy size, init_fpstate.xfd := 0. As coded, the other feature masks computed
        /// so far (kernel defaults, user max/default, guest features) are left as they were: "don't care" values.
        /// </summary>
        public BootResult Disable(CpuCaps caps, string message, string reason, PartialConfig? partial)
        {
            Log.Add(message);
            Log.Add("x86/fpu: XSAVE disabled");
            var p = partial ?? new PartialConfig(FeatureMask.None, FeatureMask.None, FeatureMask.None, FeatureMask.None,
                FeatureMask.None, FeatureMask.None);
            var cleared = caps.Without(CpuCap.Xsave).Set(CpuCap.Osxsave, false);
            return new BootResult
            {
                Cpu = Cpu,
                Config = Config,
                XsaveEnabled = false,
                Compacted = caps.Has(CpuCap.Xcompacted),
                DisabledReason = reason,
                Xcr0 = FeatureMask.None,
                Xss = FeatureMask.None,
                Xfd = FeatureMask.None,
                Kernel = new FpuStateConfig(LegacySize, LegacySize, FeatureMask.None, p.KernelDefault, FeatureMask.None, p.Independent),
                User = new FpuStateConfig(LegacySize, LegacySize, p.UserMax, p.UserDefault, LegacyFeatures, FeatureMask.None),
                Guest = new VcpuFpuConfig(LegacySize, p.GuestFeatures),
                InitFpstate = InitFpstate.ForLegacy(cleared, LegacySize),
                Caps = cleared,
                MxcsrFeatureMask = MxcsrFeatureMask,
                KernelLog = Log,
            };
        }
    }
}
