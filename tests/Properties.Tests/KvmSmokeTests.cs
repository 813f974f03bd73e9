using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Linux.Operations;
using Xsave.Oracle;
using Xsave.Optimized;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;
using Xsave.TestSupport;

namespace Xsave.Properties.Tests;

/// <summary>
/// Differential smoke test of the KVM part (SPEC part C, R73-R91): fixed operation sequences applied to
/// <see cref="OptimizedImplementation"/> and <see cref="OracleImplementation"/> booted on the same CPU; after every step
/// the two <see cref="KernelOutcome"/>s and the two <see cref="KernelSnapshot"/>s must be equal. The sequences follow
/// the measurements of KERNEL-OBSERVATIONS §3-§4 on the observed host, and the AMX, CET and MPX paths on corpus CPUs
/// that have them. A few results are also pinned to the SPEC/KO value, so that a sequence which stopped reaching the
/// path it was written for fails instead of agreeing vacuously.
/// </summary>
public class KvmSmokeTests
{
    private const int GetGuestPerm = 0x1024, ReqGuestPerm = 0x1025;
    private const int CapXsave = 55, CapXcrs = 56, CapXsave2 = 208;
    private const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrXfdErr = 0x1C5;
    private const uint MsrUCet = 0x6A0, MsrSCet = 0x6A2, MsrPl0Ssp = 0x6A4, MsrPl1Ssp = 0x6A5, MsrPl2Ssp = 0x6A6, MsrPl3Ssp = 0x6A7;
    private const long EINVAL = -22, EPERM = -1, EFAULT = -14, EBUSY = -16, E2BIG = -7;

    // ---- the observed host (KO §1a, §3) ----

    [Fact]
    public void Kvm_ObservedZen5Host_AgreesWithOracle()
    {
        var cpu = ObservedHost.Zen5();
        var w = Differential.Kernels(cpu);

        // R88 / KO §3a: capabilities from /dev/kvm.
        Assert.Equal(1, w.Do(new KvmCheckExtensionOp(1, CapXsave)).Result);
        Assert.Equal(1, w.Do(new KvmCheckExtensionOp(1, CapXcrs)).Result);
        Assert.Equal(4096, w.Do(new KvmCheckExtensionOp(1, CapXsave2)).Result);
        w.Do(new KvmCheckExtensionOp(1, 117));
        w.Do(new KvmGetSupportedCpuidOp(1));
        w.Do(new ArchPrctlOp(1, GetGuestPerm, 0));

        // R85/R90 / KO §3c: a fresh vCPU.
        Assert.Equal(0, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(1UL, w.Do(new GetXcrsOp(0)).Value);
        w.Do(new GetXsaveOp(0));
        w.Do(new GetXsave2Op(0, 4096));
        w.Do(new GetMsrOp(0, MsrXss));
        w.Do(new GetMsrOp(0, MsrXfd));
        w.Do(new SetMsrOp(0, MsrXss, 0));
        w.Do(new SetMsrOp(0, MsrXss, 0x800));
        w.Do(new SetMsrOp(0, MsrXfd, 0));

        // R80 / KO §3e: without CPUID only x87 is accepted.
        w.Do(new SetXcrsOp(0, 0, [new(0, 1)]));
        Assert.Equal(EINVAL, w.Do(new SetXcrsOp(0, 0, [new(0, 7)])).Result);

        // R89 / KO §3g: SET validates against supported_xcr0, GET filters by the guest CPUID.
        Assert.Equal(0, w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0xE7))).Result);
        Assert.Equal(0x3UL, XstateBv(w.Do(new GetXsaveOp(0)).Data!));
        Assert.Equal(0, w.Do(new SetCpuid2Op(0, GuestCpuid(0xE7, sub1Eax: 0xF, xss: 0x1800, shstk: true))).Result);
        Assert.Equal(0xE7UL, XstateBv(w.Do(new GetXsaveOp(0)).Data!));

        // R80, R81 / KO §3e: the XCR0 table and the struct checks.
        foreach (ulong v in new ulong[] { 0x1, 0x3, 0x7, 0xE7, 0, 2, 5, 0xF, 0x19, 0x23, 0xE3, 0x27, 0x67, 0xC7, 0xE5, 0xEF,
                     0x1E7, 0x2E7, 0x8E7, 0x10E7, 0x200E7, 0x400E7, 0x600E7, 0x800E7, 1UL << 62 | 7, 1UL << 63 | 7 })
            w.Do(new SetXcrsOp(0, 0, [new(0, v)]));
        w.Do(new GetXcrsOp(0));
        Assert.Equal(EINVAL, w.Do(new SetXcrsOp(0, 1, [new(0, 7)])).Result);
        Assert.Equal(EINVAL, w.Do(new SetXcrsOp(0, 0, Enumerable.Repeat(new XcrEntry(0, 7), 17).ToList())).Result);
        w.Do(new SetXcrsOp(0, 0, Enumerable.Repeat(new XcrEntry(0, 3), 16).ToList()));
        w.Do(new SetXcrsOp(0, 0, []));
        w.Do(new SetXcrsOp(0, 0, [new(1, 7), new(0xFFFFFFFF, 0)]));
        w.Do(new SetXcrsOp(0, 0, [new(1, 0), new(0, 0xE7), new(0, 0)]));
        Assert.Equal(0xE7UL, w.Do(new GetXcrsOp(0)).Value);

        // R68, R69, R89 / KO §3g: the KVM_SET_XSAVE validation table.
        SetXsaveTable(w, cpu, 4096, 0xE7);

        // R82: IA32_XSS with XSAVES in the guest CPUID.
        foreach (ulong v in new ulong[] { 0, 1, 0x100, 0x400, 0x800, 0x1000, 0x1800, 0x8000, 0x10000, 1UL << 63, 7 })
        {
            w.Do(new SetMsrOp(0, MsrXss, v));
            w.Do(new GetMsrOp(0, MsrXss));
        }

        // R86, R80, R82, R87: KVM_RUN with guest exits.
        w.Do(new KvmRunOp(0, [new GuestXsetbv(0, 0, 0x7), new GuestXsetbv(3, 0, 0xE7), new GuestXsetbv(0, 1, 0x7),
            new GuestXsetbv(0, 0, 0xE7), new GuestWrmsr(MsrXss, 0x1800), new GuestRdmsr(MsrXss), new GuestRdmsr(MsrXfd),
            new GuestWrmsr(MsrXfd, 0), new GuestWritePkru(0x55555554), new HostKernelFpuUse(), new GuestRdmsr(MsrXss),
            new InitWhileRunning(), new GuestWrmsr(MsrUCet, 1), new GuestRdmsr(MsrPl0Ssp)]));
        w.Do(new GetXsaveOp(0));

        // R78 / KO §3d: after the first KVM_RUN only the current table is accepted.
        w.Do(new SetCpuid2Op(0, GuestCpuid(0xE7, sub1Eax: 0xF, xss: 0x1800, shstk: true)));
        Assert.Equal(EINVAL, w.Do(new SetCpuid2Op(0, GuestCpuid(0x7, sub1Eax: 0xF))).Result);
        w.Do(new SetXcrsOp(0, 0, [new(0, 0xE7)]));
        w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0xE7, marker: 0x31)));
        w.Do(new VcpuInitOp(0));
        w.Do(new GetXsave2Op(0, 4096));

        // R78 / KO §3d: on a fresh vCPU, XTILE_DATA without guest permission, a bad address width, too many entries.
        Assert.Equal(1, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(EPERM, w.Do(new SetCpuid2Op(1, GuestCpuid(0x400E7, sub1Eax: 0xF))).Result);
        Assert.Equal(EPERM, w.Do(new SetCpuid2Op(1, GuestCpuid(0x600E7, sub1Eax: 0xF))).Result);
        Assert.Equal(EINVAL, w.Do(new SetCpuid2Op(1, [.. GuestCpuid(0xE7, sub1Eax: 0xF), new(0x80000008, 0, new(0x2A2A, 0, 0, 0))])).Result);
        w.Do(new SetCpuid2Op(1, [.. GuestCpuid(0xE7, sub1Eax: 0xF), new(0x80000008, 0, new(0x3030, 0, 0, 0))]));
        Assert.Equal(E2BIG, w.Do(new SetCpuid2Op(1, Enumerable.Range(0, 257).Select(i => new CpuidEntry(0x40000000, (uint)i, default)).ToList())).Result);
        w.Do(new SetCpuid2Op(1, [new(0, 0, new(0xD, 0, 0, 0))]));
        w.Do(new SetCpuid2Op(1, GuestCpuid(0xE7, sub1Eax: 0xF)));
        w.Do(new SetCpuid2Op(1, GuestCpuid(0x7, sub1Eax: 0xF)));
        w.Do(new SetXcrsOp(1, 0, [new(0, 0xE7)]));

        // R85/R56: destroy keeps the id; new vCPUs, in this and a forked process.
        w.Do(new VcpuDestroyOp(0));
        Assert.Equal(2, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(2, w.Do(new ForkOp(1)).Created);
        Assert.Equal(3, w.Do(new VcpuCreateOp(2)).Created);
        w.Do(new ArchPrctlOp(2, ReqGuestPerm, 18));
        w.Do(new ExecOp(1));
        w.Do(new KvmRunOp(1, [new GuestXsetbv(0, 0, 0xE7)]));
        w.Do(new KvmGetSupportedCpuidOp(2));
    }

    // ---- AMX: Sapphire Rapids ----

    [Fact]
    public void Kvm_SapphireRapidsAmx_AgreesWithOracle()
    {
        var cpu = Corpus.Cpu("intel-sapphirerapids-806f8");
        var w = Differential.Kernels(cpu);
        const ulong amxXcr0 = 0x602E7;

        // R75, R88: without guest permission neither TILEDATA nor TILECFG is offered (H10).
        Assert.Equal(4096, w.Do(new KvmCheckExtensionOp(1, CapXsave2)).Result);
        w.Do(new KvmGetSupportedCpuidOp(1));
        Assert.Equal(2, w.Do(new ForkOp(1)).Created);

        // R64, R65: guest permission for AMX, before any vCPU; CAP_XSAVE2 then covers TILEDATA (SPR: 0x2B00 = 11008).
        Assert.Equal(0, w.Do(new ArchPrctlOp(1, ReqGuestPerm, 18)).Result);
        w.Do(new ArchPrctlOp(1, GetGuestPerm, 0));
        Assert.Equal(11008, w.Do(new KvmCheckExtensionOp(1, CapXsave2)).Result);
        w.Do(new KvmGetSupportedCpuidOp(1));

        // R85, R63: the first vCPU locks the guest permissions; re-requesting a granted feature still succeeds.
        Assert.Equal(0, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(0, w.Do(new ArchPrctlOp(1, ReqGuestPerm, 18)).Result);

        // R78, R58, R57: SET_CPUID2 with TILEDATA enables it in the guest FPU (bigger buffer, uabi_size 11008).
        Assert.Equal(4096, w.Do(new GetXsaveOp(0)).Data!.Length);
        Assert.Equal(0, w.Do(new SetCpuid2Op(0, GuestCpuid(amxXcr0, sub1Eax: 0x1F, xss: 0x1800, shstk: true, ibt: true))).Result);

        // R89: GET_XSAVE refuses once uabi_size > 4096; GET_XSAVE2 returns uabi_size bytes.
        Assert.Equal(EINVAL, w.Do(new GetXsaveOp(0)).Result);
        Assert.Equal(11008, w.Do(new GetXsave2Op(0, 11008)).Data!.Length);
        Assert.Equal(EFAULT, w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0x2E7))).Result);
        w.Do(new SetXcrsOp(0, 0, [new(0, amxXcr0)]));
        Assert.Equal(0, w.Do(new SetXsaveOp(0, Image(cpu, 11008, amxXcr0))).Result);
        w.Do(new GetXsave2Op(0, 11008));
        SetXsaveTable(w, cpu, 11008, amxXcr0);

        // R83, R87: IA32_XFD / XFD_ERR from userspace; SET_XSAVE drops XFD-disabled features (H6).
        Assert.Equal(1, w.Do(new SetMsrOp(0, MsrXfd, 0x40000)).Result);
        Assert.Equal(0, w.Do(new SetMsrOp(0, MsrXfd, 0x20000)).Result);
        Assert.Equal(0, w.Do(new SetMsrOp(0, MsrXfd, 0x60000)).Result);
        w.Do(new GetMsrOp(0, MsrXfd));
        w.Do(new SetMsrOp(0, MsrXfdErr, 0x40000));
        w.Do(new GetMsrOp(0, MsrXfdErr));
        Assert.Equal(0, w.Do(new SetXsaveOp(0, Image(cpu, 11008, amxXcr0, marker: 0x42))).Result);
        w.Do(new GetXsave2Op(0, 11008));

        // R86, R87: XFD written by the guest, with kernel FPU use in between.
        w.Do(new KvmRunOp(0, [new GuestWrmsr(MsrXfd, 0), new GuestRdmsr(MsrXfdErr), new HostKernelFpuUse(),
            new GuestWrmsr(MsrXfd, 0x40000), new GuestRdmsr(MsrXfd), new GuestWrmsr(MsrXfd, 0x20000), new GuestWritePkru(8)]));
        w.Do(new SetMsrOp(0, MsrXfd, 0));
        w.Do(new SetXsaveOp(0, Image(cpu, 11008, amxXcr0, marker: 0x43)));
        w.Do(new SetMsrOp(0, MsrXfd, 0x40000)); // host-initiated, outside KVM_RUN: XSTATE_BV keeps TILEDATA (R87 as coded)
        w.Do(new KvmRunOp(0, [new HostKernelFpuUse()]));
        w.Do(new GetXsave2Op(0, 11008));
        w.Do(new VcpuInitOp(0));

        // R78, R58: no permission in the forked process (forked before the request) -> -EPERM; its request is still open.
        Assert.Equal(1, w.Do(new VcpuCreateOp(2)).Created);
        Assert.Equal(EPERM, w.Do(new SetCpuid2Op(1, GuestCpuid(amxXcr0, sub1Eax: 0x1F))).Result);
        Assert.Equal(EBUSY, w.Do(new ArchPrctlOp(2, ReqGuestPerm, 18)).Result);
        Assert.Equal(4096, w.Do(new KvmCheckExtensionOp(2, CapXsave2)).Result);
        w.Do(new SetCpuid2Op(1, GuestCpuid(0x2E7, sub1Eax: 0x1F)));
        w.Do(new GetXsaveOp(1));

        // R61: a process forked after the request inherits it (LOCKED included).
        Assert.Equal(3, w.Do(new ForkOp(1)).Created);
        Assert.Equal(2, w.Do(new VcpuCreateOp(3)).Created);
        Assert.Equal(0, w.Do(new SetCpuid2Op(2, GuestCpuid(amxXcr0, sub1Eax: 0x1F))).Result);

        // R61: exec resets the permissions; an existing guest FPU keeps AMX (vCPU 0 has run: R78 compares the table
        // with the stored one, whose runtime sizes are stale since XCR0 changed), a new vCPU cannot enable it.
        w.Do(new ExecOp(1));
        w.Do(new SetCpuid2Op(0, GuestCpuid(amxXcr0, sub1Eax: 0x1F, xss: 0x1800, shstk: true, ibt: true)));
        Assert.Equal(3, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(EPERM, w.Do(new SetCpuid2Op(3, GuestCpuid(amxXcr0, sub1Eax: 0x1F))).Result);
        w.Do(new VcpuDestroyOp(0));
        w.Do(new KvmCheckExtensionOp(1, CapXsave2));
    }

    // ---- CET: Tiger Lake ----

    [Fact]
    public void Kvm_TigerLakeCet_AgreesWithOracle()
    {
        var cpu = Corpus.Cpu("intel-tigerlake-806c1");
        var w = Differential.Kernels(cpu);

        w.Do(new KvmGetSupportedCpuidOp(1));
        Assert.Equal(0, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(0, w.Do(new SetCpuid2Op(0, GuestCpuid(0x2E7, sub1Eax: 0xF, xss: 0x1800, shstk: true, ibt: true))).Result);
        w.Do(new SetXcrsOp(0, 0, [new(0, 0x2E7)]));

        // R82: XSS only with bits the guest may use (CET_U | CET_S).
        foreach (ulong v in new ulong[] { 0x800, 0x1800, 0x100, 0x2000, 0x1000, 0 })
            w.Do(new SetMsrOp(0, MsrXss, v));
        Assert.Equal(1, w.Do(new SetMsrOp(0, MsrXss, 0x1800)).Result);

        // R84: CET MSRs through the guest FPU.
        foreach (var (msr, v) in new (uint, ulong)[]
                 {
                     (MsrUCet, 1), (MsrPl3Ssp, 0x7FFFFFF0), (MsrPl0Ssp, 0x1000), (MsrPl1Ssp, 0x2000), (MsrPl2Ssp, 0x3000),
                     (MsrSCet, 1), (MsrUCet, 1UL << 6), (MsrPl0Ssp, 0x1001), (MsrPl0Ssp, 0x0000_8000_0000_0000),
                     (MsrUCet, 3UL << 10), (MsrUCet, 0x4000 | 4),
                 })
            w.Do(new SetMsrOp(0, msr, v));
        foreach (uint msr in new[] { MsrUCet, MsrSCet, MsrPl0Ssp, MsrPl1Ssp, MsrPl2Ssp, MsrPl3Ssp })
            w.Do(new GetMsrOp(0, msr));
        w.Do(new GetXsaveOp(0));

        // R91: INIT zeroes CET state (header bits stay); S_CET is not XSTATE state.
        w.Do(new VcpuInitOp(0));
        Assert.Equal(0UL, w.Do(new GetMsrOp(0, MsrPl0Ssp)).Value);
        w.Do(new GetMsrOp(0, MsrSCet));

        // R86, R91, H7: INIT while the guest FPU is loaded.
        w.Do(new KvmRunOp(0, [new GuestWrmsr(MsrPl0Ssp, 0x4000), new GuestRdmsr(MsrPl0Ssp), new InitWhileRunning(),
            new GuestRdmsr(MsrPl0Ssp), new GuestWrmsr(MsrUCet, 1), new HostKernelFpuUse(), new InitWhileRunning(),
            new GuestRdmsr(MsrUCet), new GuestWrmsr(MsrXss, 0x800), new GuestRdmsr(MsrXss)]));
        w.Do(new GetMsrOp(0, MsrUCet));

        // R82, R84: a guest without XSAVES/SHSTK: XSS writes of 0 forgiven (advertised MSR), CET MSRs unsupported.
        Assert.Equal(1, w.Do(new VcpuCreateOp(1)).Created);
        w.Do(new SetCpuid2Op(1, GuestCpuid(0x2E7, sub1Eax: 0x7)));
        foreach (ulong v in new ulong[] { 0, 0x800 })
            w.Do(new SetMsrOp(1, MsrXss, v));
        w.Do(new SetMsrOp(1, MsrUCet, 0));
        w.Do(new SetMsrOp(1, MsrUCet, 1));
        w.Do(new GetMsrOp(1, MsrPl0Ssp));
        w.Do(new KvmRunOp(1, [new GuestWrmsr(MsrXss, 0), new GuestRdmsr(MsrXss), new GuestWrmsr(MsrPl0Ssp, 0)]));
        w.Do(new VcpuInitOp(1));
    }

    // ---- MPX: Skylake client ----

    [Fact]
    public void Kvm_SkylakeMpx_AgreesWithOracle()
    {
        var cpu = Corpus.Cpu("intel-skylake-506e3");
        var w = Differential.Kernels(cpu);

        w.Do(new KvmGetSupportedCpuidOp(1));
        Assert.Equal(0, w.Do(new VcpuCreateOp(1)).Created);
        Assert.Equal(0, w.Do(new SetCpuid2Op(0, GuestCpuid(0x1F, sub1Eax: 0xF, xss: 0x100))).Result);
        foreach (ulong v in new ulong[] { 0xF, 0x17, 0x1B, 0x1F })
            w.Do(new SetXcrsOp(0, 0, [new(0, v)]));

        // R91: INIT zeroes BNDREGS/BNDCSR when they hold data; XSTATE_BV and everything else stay.
        Assert.Equal(0, w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0x1F))).Result);
        w.Do(new VcpuInitOp(0));
        var afterInit = w.Do(new GetXsaveOp(0)).Data!;
        Assert.Equal(0x1FUL, XstateBv(afterInit));
        Assert.True(afterInit.AsSpan(cpu.StandardOffset(3), 128).IndexOfAnyExcept((byte)0) < 0, "MPX bytes zero after INIT");

        // R91, H7: INIT during KVM_RUN; MPX absent from XSTATE_BV -> nothing to clear.
        w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0x1F, marker: 0x61)));
        w.Do(new KvmRunOp(0, [new InitWhileRunning(), new HostKernelFpuUse(), new InitWhileRunning()]));
        w.Do(new GetXsaveOp(0));
        w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0x7, marker: 0x62)));
        w.Do(new VcpuInitOp(0));
        w.Do(new SetXsaveOp(0, Image(cpu, 4096, 0x9, marker: 0x63)));
        w.Do(new VcpuInitOp(0));
        w.Do(new GetXsave2Op(0, 4096));
        w.Do(new VcpuDestroyOp(0));
    }

    // ---- scenario parts ----

    /// <summary>
    /// KO §3g (R68, R69, R89): KVM_SET_XSAVE of mutated images, each followed by KVM_GET_XSAVE2. <paramref name="supported"/>
    /// is what the CPU's KVM supports; every bit outside it must be refused.
    /// </summary>
    private static void SetXsaveTable(KernelHost w, CpuModel cpu, int size, ulong supported)
    {
        void Set(byte[] image, long? expected = null)
        {
            var r = w.Do(new SetXsaveOp(0, image));
            if (expected is { } e) Assert.Equal(e, r.Result);
            w.Do(new GetXsave2Op(0, size));
        }

        Set(Image(cpu, size, supported), 0);
        foreach (ulong bv in new ulong[] { 0x7, 0x3, 0x1, 0x2, 0x4, 0xE0, 0 })
            Set(Image(cpu, size, bv & supported | (bv & 3)));
        var garbage = Image(cpu, size, 0);
        garbage[0] = 0x7F; garbage[2] = 0x12; garbage[4] = 0x34; garbage[6] = 0x56;
        Set(garbage, 0);
        for (int bit = 3; bit <= 63; bit++)
        {
            if (bit is > 20 and < 62) continue;
            ulong b = 1UL << bit;
            Set(Image(cpu, size, supported | b), (supported & b) != 0 ? null : EINVAL);
        }
        foreach (ulong xcomp in new ulong[] { 1UL << 63, 1UL << 63 | supported, supported, 1 })
        {
            var image = Image(cpu, size, supported);
            BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(520), xcomp);
            Set(image, EINVAL);
        }
        foreach (int at in new[] { 528, 560, 575 })
        {
            var image = Image(cpu, size, supported);
            image[at] = 1;
            Set(image, EINVAL);
        }
        var sw = Image(cpu, size, supported);
        sw.AsSpan(416, 96).Fill(0x77);
        Set(sw, 0);
        var tail = Image(cpu, size, 0x3);
        tail.AsSpan(2432).Fill(0x88);
        Set(tail, 0);
        foreach (uint mxcsr in new uint[] { 0x11F80, 0xFFFFFFFF })
        {
            foreach (ulong bv in new ulong[] { supported, 0x1, 0x2, 0x4 })
                Set(Image(cpu, size, bv, mxcsr: mxcsr), EINVAL);
            foreach (ulong bv in new ulong[] { 0, 0xE0 & supported })
                Set(Image(cpu, size, bv, mxcsr: mxcsr), 0);
        }
        Set(Image(cpu, size, 0x2, mxcsr: 0x21F80));
        Set(Image(cpu, size, 0x2, mxcsr: 0x1FC0), 0);
        Set(Image(cpu, size, 0x1, mxcsr: 0x1FBF), 0);
        var noMask = Image(cpu, size, 0x3);
        BinaryPrimitives.WriteUInt32LittleEndian(noMask.AsSpan(28), 0);
        Set(noMask, 0);
        Set(new byte[100], EFAULT);
        Set(Image(cpu, size + 64, supported, marker: 0x21), 0);
        Set(Image(cpu, size, supported, marker: 0x22), 0);
    }

    private static List<CpuidEntry> GuestCpuid(ulong xcr0, uint sub1Eax, ulong xss = 0, bool shstk = false, bool ibt = false) =>
        KvmInputs.GuestCpuid(xcr0, sub1Eax, xss, shstk, ibt, leaf1Eax: 0x806C1);

    private static byte[] Image(CpuModel cpu, int size, ulong xstateBv, uint mxcsr = 0x1F80, byte marker = 0x5A) =>
        KvmInputs.Image(cpu, size, xstateBv, mxcsr, marker);

    private static ulong XstateBv(byte[] image) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(512));
}
