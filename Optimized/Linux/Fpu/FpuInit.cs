using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Architecture;

namespace Xsave.Optimized.Linux.Fpu;

/// <summary>
/// fpu__init_system() (init.c) and fpu__init_system_xstate() (xstate.c), SPEC R32-R45 and R38a, on u64 masks.
/// kmax is fpu_kernel_cfg.max_features while it is being narrowed.
/// </summary>
internal static class FpuInit
{
    // xsave_cpuid_features[] (R37): the capability each component 0..19 needs; None = no mapping (always cleared).
    private static readonly CpuCaps[] ComponentCap =
    [
        CpuCaps.Fpu, CpuCaps.Xmm, CpuCaps.Avx, CpuCaps.Mpx, CpuCaps.Mpx, CpuCaps.Avx512F, CpuCaps.Avx512F,
        CpuCaps.Avx512F, CpuCaps.IntelPt, CpuCaps.Ospke, CpuCaps.Enqcmd, CpuCaps.Shstk, CpuCaps.Shstk, CpuCaps.None,
        CpuCaps.None, CpuCaps.None, CpuCaps.None, CpuCaps.AmxTile, CpuCaps.AmxTile, CpuCaps.Apx,
    ];

    // The size of the kernel's C struct per component (the XCHECK_SZ table of check_xstate_against_struct); 0 = no
    // struct (XSAVE is disabled if such a component is enabled); -1 = TILEDATA, checked against CPUID 0x1D.
    private static readonly int[] StructSize =
    [
        0, 0, 256, 64, 64, 64, 512, 1024, 0, 8, 8, 16, 24, 0, 0, 0, 0, 64, -1, 128,
    ];

    public static BootState Run(CpuModel cpu, KernelConfig config, XstateTables t)
    {
        var bitmap = InitialCaps(cpu, config);
        // boot_cpu_has() with a constant: FPU, FXSR and XMM are REQUIRED_MASK0 bits on 64-bit kernels, so a cleared
        // bitmap bit does not matter there (a CPU without them is refused below); R37's variable lookup reads the bitmap.
        var caps = config.Is64Bit ? bitmap | (HardwareCaps(cpu, config) & Required) : bitmap;
        ulong userSupported = config.Is64Bit ? Xfeatures.UserSupported : Xfeatures.UserSupported & ~Xfeatures.Xtile;

        // fpu__init_system_mxcsr: FXSAVE's MXCSR_MASK, 0 meaning 0xFFBF; the initialiser (all ones) without FXSR.
        uint mxcsrMask = (caps & CpuCaps.Fxsr) == 0 ? 0xFFFFFFFFu
            : cpu.MxcsrMask == 0 ? BootTables.DefaultMxcsrFeatureMask : cpu.MxcsrMask;

        // R43: fpu__init_system_xstate_size_legacy runs first.
        uint legacySize; ulong legacyFeatures;
        if ((caps & CpuCaps.Fpu) == 0) { legacySize = config.Is64Bit ? 136u : 124u; legacyFeatures = 0; }
        else if ((caps & CpuCaps.Fxsr) != 0) { legacySize = BootTables.FxregsSize; legacyFeatures = Xfeatures.FpSse; }
        else { legacySize = BootTables.FregsSize; legacyFeatures = 1UL << Xfeatures.Fp; }

        var s = new BootState { MxcsrFeatureMask = mxcsrMask, UserSupported = userSupported };

        // verify_cpu (startup_64): a 64-bit kernel stops on a CPU without its REQUIRED_MASK0 bits; of those this model
        // has FPU, FXSR and SSE. The hardware's bits, not the bitmap: clearcpuid= has not run yet there.
        var absent = config.Is64Bit ? Required & ~HardwareCaps(cpu, config) : CpuCaps.None;
        if (absent != CpuCaps.None)
        {
            s.Failed = true;
            s.Failure = BootSummary.RequiredFeaturesFailure(RequiredNames(absent));
            return Legacy(ref s, caps, null, legacySize, legacyFeatures);
        }

        if ((caps & CpuCaps.Fpu) == 0)
            return Legacy(ref s, CpuCapDeps.Clear(caps, CpuCaps.Xsave), "no FPU (math emulation)", legacySize, legacyFeatures);

        // R32.
        if ((caps & CpuCaps.Xsave) == 0)
            return Legacy(ref s, CpuCapDeps.Clear(caps, CpuCaps.Xsave),
                config.NoXsave ? "XSAVE disabled by noxsave" : cpu.Flags.Xsave ? "XSAVE disabled by clearcpuid=" : "CPU has no XSAVE",
                legacySize, legacyFeatures);

        ulong kmax = t.SupportedXcr0 | t.SupportedXss;

        // R33: FP and SSE must be XSAVE-managed.
        if ((kmax & Xfeatures.FpSse) != Xfeatures.FpSse)
            return Disable(ref s, caps, "FP/SSE not present amongst the CPU's xstate features", legacySize, legacyFeatures);

        // R34: AVX / AVX-512 caps go when their state is not enumerated.
        const ulong avxNeeds = Xfeatures.FpSse | 1UL << Xfeatures.Ymm;
        if ((caps & CpuCaps.Avx) != 0 && (kmax & avxNeeds) != avxNeeds) caps = CpuCapDeps.Clear(caps, CpuCaps.Avx);
        const ulong avx512Needs = avxNeeds | Xfeatures.Avx512;
        if ((caps & CpuCaps.Avx512F) != 0 && (kmax & avx512Needs) != avx512Needs) caps = CpuCapDeps.Clear(caps, CpuCaps.Avx512F);

        // R35 (H21): APX and MPX overlap.
        if ((kmax & 1UL << Xfeatures.Apx) != 0 && (kmax & Xfeatures.Mpx) != 0)
            return Disable(ref s, caps, "Both APX/MPX present in the CPU's xstate features", legacySize, legacyFeatures);

        // R36 (H12): independent features from the raw enumeration.
        ulong independent = kmax & Xfeatures.Independent;

        // R37: components whose CPU feature is absent, and everything at 20 and above, go.
        ulong keep = 0;
        for (int i = 0; i < Xfeatures.Max; i++)
            if (ComponentCap[i] != CpuCaps.None && ((i <= Xfeatures.Sse ? bitmap : caps) & ComponentCap[i]) != 0) keep |= 1UL << i;
        kmax &= keep;

        // R38.
        if ((caps & CpuCaps.Xfd) == 0) kmax &= ~Xfeatures.UserDynamic;
        kmax &= (caps & CpuCaps.Xsaves) != 0 ? userSupported | Xfeatures.SupervisorSupported : userSupported;
        if (config.Policy == CetSupervisorPolicy.None) kmax &= ~Xfeatures.GuestSupervisor;

        ulong kernelMax = kmax;
        ulong userMax = kmax & userSupported;

        // R39: host_default_mask() / guest_default_mask(); the AllTasks policy keeps CET_KERNEL in every task.
        ulong hostMask = config.Policy == CetSupervisorPolicy.AllTasks
            ? ~Xfeatures.UserDynamic : ~(Xfeatures.UserDynamic | Xfeatures.GuestSupervisor);
        ulong guestMask = ~Xfeatures.UserDynamic;
        ulong kernelDefault = kernelMax & hostMask;
        ulong userDefault = userMax & hostMask;
        ulong guestFeatures = kernelMax & guestMask;
        ulong initXfd = userMax & Xfeatures.UserDynamic;
        bool compacted = (caps & (CpuCaps.Xsavec | CpuCaps.Xsaves)) != 0;
        if (compacted) caps |= CpuCaps.Xcompacted;

        // What a late disable leaves behind (R44: as coded only kernel.max is cleared).
        s.Kernel = new FpuStateConfig(0, 0, 0, kernelDefault, 0, independent);
        s.User = new FpuStateConfig(0, 0, userMax, userDefault, legacyFeatures, 0);
        s.Guest = new GuestConfig(0, guestFeatures);

        // R40.
        ulong supervisor = kernelMax & Xfeatures.SupervisorSupported;
        ulong independentInXss = (caps & CpuCaps.ArchLbr) != 0 ? independent : independent & ~Xfeatures.Independent;
        ulong xcr0 = userMax;
        ulong xss = (caps & CpuCaps.Xsaves) != 0 ? supervisor | independentInXss : 0;
        ulong xfd = (caps & CpuCaps.Xfd) != 0 ? initXfd : 0;

        // fpu__init_cpu_xstate: xsetbv() has no exception fixup; a refused XCR0 (AMX_TILE without XFD keeps TILECFG but
        // not TILEDATA, SPEC F3; clearcpuid=sse with AVX) is a #GP in the kernel and the boot is over.
        if (!RegisterChecks.IsValidXcr0(xcr0, t.SupportedXcr0))
        {
            s.Failed = true;
            s.Failure = BootSummary.XsetbvFailure(new FeatureMask(xcr0));
            s.Xcr0 = xcr0;
            return Legacy(ref s, caps, null, legacySize, legacyFeatures);
        }

        // R41: CPUID sizes for the values just written (XSS without the independent features).
        uint userMaxSize = (uint)t.StandardSize(xcr0);
        uint kernelMaxSize = compacted ? (uint)t.CompactedSize(xcr0 | supervisor) : userMaxSize;
        uint kernelDefaultSize = CalculateSize(t, userSupported, kernelDefault, compacted);

        // R42: paranoid_xstate_size_valid, component by component in ascending order.
        for (ulong m = kernelMax & ~Xfeatures.FpSse; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            if (StructSize[i] == 0)
                return Disable(ref s, caps, "No structure for xstate: " + i.ToString(CultureInfo.InvariantCulture), legacySize, legacyFeatures);
            // A struct size mismatch only warns (XCHECK_SZ); TILEDATA's check is ignored.
            if ((caps & CpuCaps.Xsaves) == 0 && cpu.IsSupervisorEnumerated(i))
                return Disable(ref s, caps, $"Got supervisor feature {i.ToString(CultureInfo.InvariantCulture)}, but XSAVES not advertised", legacySize, legacyFeatures);
        }
        uint recomputed = CalculateSize(t, userSupported, kernelMax, compacted);
        if (recomputed != kernelMaxSize)
            return Disable(ref s, caps, string.Create(CultureInfo.InvariantCulture, $"size {recomputed} != kernel_size {kernelMaxSize}"), legacySize, legacyFeatures);

        uint userDefaultSize = CalculateSize(t, userSupported, userDefault, compacted: false);
        uint guestSize = CalculateSize(t, userSupported, guestFeatures, compacted);

        // R42: init_fpstate must fit its static buffer.
        if (kernelDefaultSize > BootTables.InitFpstateBufferSize)
            return Disable(ref s, caps, string.Create(CultureInfo.InvariantCulture,
                $"init_fpstate buffer too small ({BootTables.InitFpstateBufferSize} < {kernelDefaultSize})"), legacySize, legacyFeatures);

        s.Caps = caps | CpuCaps.Osxsave;
        s.XsaveEnabled = true;
        s.Compacted = compacted;
        s.Xcr0 = xcr0;
        s.Xss = xss;
        s.Xfd = xfd;
        s.InitXfd = initXfd;
        s.Kernel = new FpuStateConfig(kernelMaxSize, kernelDefaultSize, kernelMax, kernelDefault, 0, independent);
        s.User = new FpuStateConfig(userMaxSize, userDefaultSize, userMax, userDefault, legacyFeatures, 0);
        s.Guest = new GuestConfig(guestSize, guestFeatures);

        // R54 setup_init_fpu_buf: XRSTOR of an all-init image (XSTATE_BV 0, XCOMP_BV per R52), then FXSAVE of the
        // init registers into the legacy region.
        var regs = new byte[kernelDefaultSize];
        if (compacted) BinaryPrimitives.WriteUInt64LittleEndian(regs.AsSpan(Xfeatures.XcompBvOffset), kernelDefault | Xfeatures.CompactedFormat);
        FpstateOps.WriteLegacyInit(regs, fxsr: true); // XSAVE implies FXSR: FCW 0x37F (R17), MXCSR 0x1F80
        BinaryPrimitives.WriteUInt32LittleEndian(regs.AsSpan(Xfeatures.MxcsrMaskOffset), cpu.MxcsrMask);
        s.InitRegs = regs;
        return s;
    }

    /// <summary>xstate_calculate_size before the tables object exists.</summary>
    private static uint CalculateSize(XstateTables t, ulong userSupported, ulong mask, bool compacted)
    {
        if ((mask & ~Xfeatures.FpSse) == 0) return Xfeatures.XregsStateSize;
        return compacted ? (uint)t.CompactedSize(mask) : (uint)t.StandardSize(mask & userSupported);
    }

    private const CpuCaps Required = CpuCaps.Fpu | CpuCaps.Fxsr | CpuCaps.Xmm;

    /// <summary>validate_cpu's list: the cpuinfo names of <paramref name="absent"/> in bit order (fpu, fxsr, sse).</summary>
    private static string RequiredNames(CpuCaps absent) => string.Join(' ',
        new[] { (CpuCaps.Fpu, "fpu"), (CpuCaps.Fxsr, "fxsr"), (CpuCaps.Xmm, "sse") }.Where(p => (absent & p.Item1) != 0).Select(p => p.Item2));

    /// <summary>
    /// boot_cpu_data before the FPU setup: the CPU's flags; the command line (noxsave, noxsaveopt, noxsaves, clearcpuid=,
    /// each through the cpuid-deps closure); R38a; then setup_pku forcing OSPKE while PKU is left.
    /// </summary>
    private static CpuCaps InitialCaps(CpuModel cpu, KernelConfig config)
    {
        var c = HardwareCaps(cpu, config);
        if (config.NoXsave) c = CpuCapDeps.Clear(c, CpuCaps.Xsave);
        if (config.NoXsaveopt) c = CpuCapDeps.Clear(c, CpuCaps.Xsaveopt);
        if (config.NoXsaves) c = CpuCapDeps.Clear(c, CpuCaps.Xsaves);
        for (uint rest = (uint)config.ClearCpuid; rest != 0; rest &= rest - 1)
            c = CpuCapDeps.Clear(c, CommandLineCap[BitOperations.TrailingZeroCount(rest)]);
        // R38a: AMD erratum 1386 (amd.c fix_erratum_1386), unless the microcode has the fix.
        if (config.AmdZenXsavesErratum && CpuErrata.Erratum1386(cpu))
            c = CpuCapDeps.Clear(c, CpuCaps.Xsaves);
        // setup_pku: CR4.PKE and a forced OSPKE (winning over clearcpuid=ospke) when protection keys are built in and PKU
        // survived; the dumped OSPKE bit is the dumping OS's.
        c &= ~CpuCaps.Ospke;
        if ((c & CpuCaps.Pku) != 0 && config.ProtectionKeys) c |= CpuCaps.Ospke;
        return c;
    }

    // The capability each CpuidFlags bit names, by bit position (Contract order: Fpu, Fxsr, Sse, Xsave, Xsaveopt, ...).
    private static readonly CpuCaps[] CommandLineCap =
    [
        CpuCaps.Fpu, CpuCaps.Fxsr, CpuCaps.Xmm, CpuCaps.Xsave, CpuCaps.Xsaveopt, CpuCaps.Xsavec, CpuCaps.Xgetbv1,
        CpuCaps.Xsaves, CpuCaps.Xfd, CpuCaps.Avx, CpuCaps.Avx512F, CpuCaps.Mpx, CpuCaps.IntelPt, CpuCaps.Pku,
        CpuCaps.Ospke, CpuCaps.Enqcmd, CpuCaps.Shstk, CpuCaps.Ibt, CpuCaps.AmxTile, CpuCaps.ArchLbr,
    ];

    /// <summary>The CPU's own flags (XFD only on a 64-bit build).</summary>
    private static CpuCaps HardwareCaps(CpuModel cpu, KernelConfig config)
    {
        var f = cpu.Flags;
        var c = CpuCaps.None;
        if (f.Fpu) c |= CpuCaps.Fpu;
        if (f.Fxsr) c |= CpuCaps.Fxsr;
        if (f.Xmm) c |= CpuCaps.Xmm;
        if (f.Xsave) c |= CpuCaps.Xsave;
        if (cpu.HasXsaveopt) c |= CpuCaps.Xsaveopt;
        if (cpu.HasXsavec) c |= CpuCaps.Xsavec;
        if (cpu.HasXgetbv1) c |= CpuCaps.Xgetbv1;
        if (cpu.HasXsaves) c |= CpuCaps.Xsaves;
        if (cpu.HasXfd && config.Is64Bit) c |= CpuCaps.Xfd;
        if (f.Avx) c |= CpuCaps.Avx;
        if (f.Avx512F) c |= CpuCaps.Avx512F;
        if (f.Mpx) c |= CpuCaps.Mpx;
        if (f.IntelPt) c |= CpuCaps.IntelPt;
        if (f.Pku) c |= CpuCaps.Pku;
        if (f.Enqcmd) c |= CpuCaps.Enqcmd;
        if (f.Shstk) c |= CpuCaps.Shstk;
        if (f.Ibt) c |= CpuCaps.Ibt;
        if (f.AmxTile) c |= CpuCaps.AmxTile;
        if (f.Apx) c |= CpuCaps.Apx;
        if (f.ArchLbr) c |= CpuCaps.ArchLbr;
        return c;
    }

    /// <summary>R43: XSAVE not used; every size the legacy size; init_fpstate per fpstate_init_user.</summary>
    private static BootState Legacy(ref BootState s, CpuCaps caps, string? reason, uint legacySize, ulong legacyFeatures)
    {
        s.Caps = caps;
        s.DisabledReason = reason;
        s.Kernel = new FpuStateConfig(legacySize, legacySize, 0, 0, 0, 0);
        s.User = new FpuStateConfig(legacySize, legacySize, 0, 0, legacyFeatures, 0);
        s.Guest = new GuestConfig(legacySize, 0);
        s.InitRegs = LegacyInitRegs(caps, legacySize);
        return s;
    }

    /// <summary>
    /// R44 fpu__init_disable_system_xstate: kernel.max := 0, sizes := legacy, XFD := 0, XSAVE (and dependents) and
    /// OSXSAVE cleared. The other masks keep what was computed so far (as coded).
    /// </summary>
    private static BootState Disable(ref BootState s, CpuCaps caps, string reason, uint legacySize, ulong legacyFeatures)
    {
        s.Compacted = (caps & CpuCaps.Xcompacted) != 0;
        var cleared = CpuCapDeps.Clear(caps, CpuCaps.Xsave) & ~CpuCaps.Osxsave;
        s.Caps = cleared;
        s.DisabledReason = reason;
        s.Kernel = new FpuStateConfig(legacySize, legacySize, 0, s.Kernel.DefaultFeatures, 0, s.Kernel.IndependentFeatures);
        s.User = new FpuStateConfig(legacySize, legacySize, s.User.MaxFeatures, s.User.DefaultFeatures, legacyFeatures, 0);
        s.Guest = new GuestConfig(legacySize, s.Guest.Features);
        s.InitRegs = LegacyInitRegs(cleared, legacySize);
        return s;
    }

    /// <summary>fpstate_init_user without XSAVE: FCW/MXCSR defaults in an FXSAVE image, or the FNSAVE init words.</summary>
    private static byte[] LegacyInitRegs(CpuCaps caps, uint size)
    {
        var regs = new byte[size];
        FpstateOps.WriteLegacyInit(regs, (caps & CpuCaps.Fxsr) != 0);
        return regs;
    }
}
