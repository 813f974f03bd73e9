using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;

namespace Xsave.Properties.Generators;

/// <summary>
/// Random operation sequences for one CPU: a process and its threads through arch_prctl GET/REQ (host and guest),
/// sigaltstack, fork, exec, #NM on a dynamic feature, ptrace, and its vCPUs through create/destroy, KVM_SET_CPUID2,
/// KVM_SET_XCRS, XSS/XFD writes, KVM_GET/SET_XSAVE(2), KVM_RUN with guest events, and INIT. Arguments stay near the
/// values that matter (AMX's component 18, legal XCR0 values and their neighbours, images with one header defect).
/// </summary>
public static class KernelOpGen
{
    private const int GetSupp = Uapi.ArchPrctl.GetXcompSupp, GetPerm = Uapi.ArchPrctl.GetXcompPerm, ReqPerm = Uapi.ArchPrctl.ReqXcompPerm,
        GetGuestPerm = Uapi.ArchPrctl.GetXcompGuestPerm, ReqGuestPerm = Uapi.ArchPrctl.ReqXcompGuestPerm;
    private const ulong UserPointer = 0x7ffd_0000;
    private const uint Xss = Uapi.Msr.Ia32Xss, Xfd = Uapi.Msr.Ia32Xfd, XfdErr = Uapi.Msr.Ia32XfdErr;

    /// <summary>Scenarios of up to 30 operations; without <paramref name="kvm"/> only process and ptrace operations.</summary>
    public static Gen<KernelScenario> Scenario(Gen<CpuCase> cpus, bool kvm = true) =>
        from cpu in cpus
        from policy in Weighted.Of((6, Gen.Constant(CetSupervisorPolicy.Merged)), (1, Gen.Constant(CetSupervisorPolicy.AllTasks)), (1, Gen.Constant(CetSupervisorPolicy.None)))
        from is64 in Weighted.Of((12, Gen.Constant(true)), (1, Gen.Constant(false)))
        from options in BootOptionsGen.Options
        // What a program or a VMM does first (SequenceStarts): the dynamic-feature paths need it (issue 16).
        from prologue in kvm ? SequenceStarts.Kvm(cpu.Cpu, VmmPrologue(cpu.Cpu)) : SequenceStarts.Process(signals: is64)
        from ops in Gen.Sized(size => Gen.Choose(1, Math.Max(2, Math.Min(30, size / 3 + 2))))
            .SelectMany(n => Steps(cpu.Cpu, Shape(prologue), n, kvm, signals: is64))
        select new KernelScenario(cpu, options(KernelConfig.Default with { Policy = policy, Is64Bit = is64 }), prologue.Concat(ops).ToList());

    /// <summary>
    /// What a VMM does first (QEMU's order): ask for the guest's dynamic features, create a vCPU, hand it the supported
    /// leaf 0xD. Random operations follow; without this start the AMX paths (realloc, uABI sizes > 4096) are rare.
    /// </summary>
    private static Gen<List<KernelOp>> VmmPrologue(CpuModel cpu) =>
        from ask in Weighted.Of((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from entries in CpuidEntries(cpu)
        // Then, half the time, the guest's XCR0 as QEMU restores it (KVM_SET_XCRS): INIT and the guest paths meet more than x87.
        from xcrs in Gen.Elements(false, true)
        let xcr0 = (entries[0].Regs.Eax | ((ulong)entries[0].Regs.Edx << 32)) & cpu.SupportedXcr0.Bits | 1
        select (ask ? new List<KernelOp> { new ArchPrctlOp(1, ReqGuestPerm, 18) } : [])
            .Concat([new VcpuCreateOp(1), new SetCpuid2Op(0, entries)])
            .Concat(xcrs ? [new SetXcrsOp(0, 0, [new XcrEntry(0, xcr0)])] : Array.Empty<KernelOp>()).ToList();

    private static WorldShape Shape(IEnumerable<KernelOp> ops) => ops.Aggregate(WorldShape.Initial, (shape, op) => shape.After(op));

    private static Gen<List<KernelOp>> Steps(CpuModel cpu, WorldShape shape, int remaining, bool kvm, bool signals = true) =>
        remaining == 0
            ? Gen.Constant(new List<KernelOp>())
            : from op in Next(cpu, shape, kvm, signals)
              from rest in Steps(cpu, shape.After(op), remaining - 1, kvm, signals)
              select Prepend(op, rest);

    private static List<KernelOp> Prepend(KernelOp op, List<KernelOp> rest)
    {
        rest.Insert(0, op);
        return rest;
    }

    /// <summary>One operation that names only what exists in <paramref name="shape"/>; signal frames only with
    /// <paramref name="signals"/> (64-bit kernels: ia32 frames are not modelled).</summary>
    public static Gen<KernelOp> Next(CpuModel cpu, WorldShape shape, bool kvm = true, bool signals = true)
    {
        // Most operations leave the shape as it was (the same object), so the step after them asks for the very same
        // generator: it is kept instead of being built again (building it cost more than drawing from it).
        var last = _lastNext;
        if (last is not null && ReferenceEquals(last.Cpu, cpu) && ReferenceEquals(last.Shape, shape) && last.Kvm == kvm && last.Signals == signals)
            return last.Gen;
        var gen = BuildNext(cpu, shape, kvm, signals);
        _lastNext = new NextGen(cpu, shape, kvm, signals, gen);
        return gen;
    }

    private sealed record NextGen(CpuModel Cpu, WorldShape Shape, bool Kvm, bool Signals, Gen<KernelOp> Gen);

    [ThreadStatic] private static NextGen? _lastNext;

    private static Gen<KernelOp> BuildNext(CpuModel cpu, WorldShape shape, bool kvm, bool signals)
    {
        var livePids = shape.LiveProcesses.ToArray();
        var pid = Gen.Elements(livePids);
        var thread = from p in pid from t in Gen.Choose(0, shape.ThreadCounts[p - 1] - 1) select (p, t);
        var choices = new List<(int, Gen<KernelOp>)>
        {
            (8, from p in pid from o in ArchPrctlOps select (KernelOp)(o with { Pid = p })),
            (3, from pt in thread from size in SigaltstackSize select (KernelOp)new SigaltstackOp(pt.p, pt.t, size)),
            (3, from pt in thread from err in XfdErrValue select (KernelOp)new XfdFaultOp(pt.p, pt.t, err)),
            (2, from pt in thread from len in IovLen(cpu) select (KernelOp)new PtraceGetXstateOp(pt.p, pt.t, len)),
            (2, from pt in thread from len in SetIovLen(cpu) from img in Image(cpu, len) select (KernelOp)new PtraceSetXstateOp(pt.p, pt.t, img)),
            (1, pid.Select(p => (KernelOp)new ExecOp(p))),
            (1, from pt in thread from v in Gen.Elements(0u, 0x5555_5554u, 0xCu, 0xFFFF_FFFCu) select (KernelOp)new WritePkruOp(pt.p, pt.t, v)),
        };
        if (signals) choices.AddRange(SignalGen.Ops(cpu, pid, thread));
        if (kvm)
        {
            choices.Add((2, from p in pid from cap in Gen.Elements(Uapi.KvmCap.Xsave, Uapi.KvmCap.Xcrs, Uapi.KvmCap.Xsave2) select (KernelOp)new KvmCheckExtensionOp(p, cap)));
            choices.Add((1, pid.Select(p => (KernelOp)new KvmGetSupportedCpuidOp(p))));
        }
        var roomForThreads = livePids.Where(p => shape.ThreadCounts[p - 1] < WorldShape.MaxThreads).ToArray();
        if (roomForThreads.Length > 0)
            choices.Add((1, Gen.Elements(roomForThreads).Select(p => (KernelOp)new SpawnThreadOp(p))));
        if (shape.Processes < WorldShape.MaxProcesses) choices.Add((1, pid.Select(p => (KernelOp)new ForkOp(p))));
        // exit_group of one process while another lives on (the world keeps a process to act on).
        if (livePids.Length > 1) choices.Add((1, pid.Select(p => (KernelOp)new ExitGroupOp(p))));
        if (!kvm) return Weighted.Of(choices.ToArray());
        if (shape.Vcpus.Count < WorldShape.MaxVcpus) choices.Add((shape.LiveVcpus.Any() ? 2 : 6, pid.Select(p => (KernelOp)new VcpuCreateOp(p))));

        var live = shape.LiveVcpus.ToArray();
        // After the first vCPU the guest permission is locked (-EBUSY, R64/R85): ask again on purpose.
        var vmmPids = shape.Vcpus.Select(v => v.Pid).Where(p => !shape.Exited.Contains(p)).Distinct().ToArray();
        if (vmmPids.Length > 0)
            choices.Add((1, Gen.Elements(vmmPids).Select(p => (KernelOp)new ArchPrctlOp(p, ReqGuestPerm, Uapi.ArchPrctl.XcompTiledata))));
        if (live.Length > 0)
        {
            var vcpu = Gen.Elements(live);
            choices.AddRange(
            [
                (4, from v in vcpu from e in CpuidEntries(cpu) select (KernelOp)new SetCpuid2Op(v, e)),
                (1, from v in vcpu from nent in Weighted.Of((9, Gen.Constant(Uapi.KvmMaxCpuidEntries)), (1, Gen.Choose(0, 2))) select (KernelOp)new GetCpuid2Op(v, nent)),
                (1, vcpu.Select(v => (KernelOp)new GetXcrsOp(v))),
                (3, from v in vcpu from x in XcrsArgs(cpu) select (KernelOp)new SetXcrsOp(v, x.Flags, x.Xcrs)),
                (3, from v in vcpu from m in MsrWrite(cpu) select (KernelOp)new SetMsrOp(v, m.Msr, m.Value)),
                (1, from v in vcpu from msr in Gen.Elements(Xss, Xfd, XfdErr) select (KernelOp)new GetMsrOp(v, msr)),
                (4, from v in vcpu from exits in Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(GuestEvents(cpu), n)) select (KernelOp)new KvmRunOp(v, exits)),
                (2, vcpu.Select(v => (KernelOp)new GetXsaveOp(v))),
                (2, from v in vcpu from size in Gen.Elements(Uapi.KvmXsaveSize, 8192, 12288, 16384) select (KernelOp)new GetXsave2Op(v, size)),
                (3, from v in vcpu from size in Gen.Elements(Uapi.KvmXsaveSize, Uapi.KvmXsaveSize, 12288) from img in Image(cpu, size) select (KernelOp)new SetXsaveOp(v, img)),
                (2, vcpu.Select(v => (KernelOp)new VcpuInitOp(v))),
                (1, vcpu.Select(v => (KernelOp)new VcpuDestroyOp(v))),
            ]);
        }
        return Weighted.Of(choices.ToArray());
    }

    // Made once: written in place inside a query's later clauses they would be rebuilt for every value drawn.
    private static readonly Gen<bool> OneIn10 = Weighted.Of((9, Gen.Constant(false)), (1, Gen.Constant(true)));
    private static readonly Gen<int> ImageDefect = Weighted.Of((8, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)));
    private static readonly Gen<uint> ImageMxcsr = Weighted.Of((8, Gen.Constant(0x1f80u)), (1, Gen.Constant(0x1fc0u)), (1, Gen.Constant(0x11f80u)), (1, Gen.Constant(0x21f80u)));

    private static readonly Gen<ulong> ReqArg = Weighted.Of(
        (8, Gen.Constant(18UL)),
        (1, Gen.Constant(17UL)),
        (2, Gen.Choose(0, 19).Select(i => (ulong)i)),
        (1, Gen.Choose(20, 70).Select(i => (ulong)i)),
        (1, Gen.Elements(ulong.MaxValue, 1UL << 40, 0xffffffffUL)));

    private static readonly Gen<ArchPrctlOp> ArchPrctlOps = Weighted.Of(
        (3, from opt in Gen.Elements(GetSupp, GetPerm, GetGuestPerm) from bad in OneIn10
            select new ArchPrctlOp(1, opt, bad ? 0UL : UserPointer, bad)),
        (6, from opt in Gen.Elements(ReqPerm, ReqGuestPerm) from arg in ReqArg select new ArchPrctlOp(1, opt, arg)),
        (1, from opt in Gen.Elements(GetSupp - 1, ReqGuestPerm + 1) select new ArchPrctlOp(1, opt, UserPointer)));

    private static readonly Gen<ulong> SigaltstackSize =
        Gen.Elements(0UL, 1024UL, 2048UL, 2400UL, 3376UL, 4096UL, 8192UL, 12288UL, 16384UL, 65536UL);

    private static readonly Gen<FeatureMask> XfdErrValue = Weighted.Of(
        (6, Gen.Constant(FeatureMask.Of(XFeature.XtileData))),
        (1, Gen.Constant(FeatureMask.None)),
        (1, Gen.Constant(FeatureMask.Of(XFeature.XtileCfg))),
        (1, Gen.Constant(ArchMasks.Xtile)));

    private static Gen<int> IovLen(CpuModel cpu) => Gen.Elements(
        0, 8, XFeatures.LegacyRegionSize, XsaveImage.MinimumSize, Uapi.KvmXsaveSize, 8192, 16384, (int)cpu.MaxStandardSize, (int)cpu.MaxStandardSize + 1, (int)cpu.MaxStandardSize - 8);

    /// <summary>
    /// PTRACE_SETREGSET lengths: mostly the full uABI size, sometimes a short write (-EFAULT, KO §6b), a length that is
    /// not a multiple of 8 (-EINVAL) or a longer iovec (the regset size is copied).
    /// </summary>
    private static Gen<int> SetIovLen(CpuModel cpu)
    {
        int full = (int)Math.Max(XsaveImage.MinimumSize, cpu.MaxStandardSize);
        return Weighted.Of(
            (6, Gen.Constant(full)),
            (1, Gen.Elements(XFeatures.LegacyRegionSize, XsaveImage.MinimumSize, full - 8)),
            (1, Gen.Elements(full - 1, full + 1, full + 8, Uapi.KvmXsaveSize)));
    }

    /// <summary>
    /// A standard-format (UABI) XSAVE image of <paramref name="length"/> bytes: usually a valid header for some subset of
    /// the CPU's user features with a small pattern in each present component; sometimes one header defect.
    /// </summary>
    public static Gen<byte[]> Image(CpuModel cpu, int length) =>
        from bv in Weighted.Of((6, MaskGen.SubsetOf(cpu.SupportedXcr0)), (2, MaskGen.OneFlipFrom(MaskGen.SubsetOf(cpu.SupportedXcr0))), (1, Gen.Constant(FeatureMask.None)))
        from defect in ImageDefect
        from mxcsr in ImageMxcsr
        from pattern in Gen.Choose(1, 255)
        select BuildImage(cpu, length, bv, defect, mxcsr, (byte)pattern);

    public static byte[] BuildImage(CpuModel cpu, int length, FeatureMask xstateBv, int defect, uint mxcsr, byte pattern)
    {
        var b = new byte[length];
        if (length < XsaveImage.MinimumSize) return b;
        var header = XsaveImage.Write(b).Fcw(MachineState.InitFcw).Mxcsr(mxcsr).MxcsrMask(cpu.MxcsrMask).XstateBv(xstateBv.Bits);
        if (defect == 1) header.XcompBv(ArchMasks.CompactedFormat.Bits | xstateBv.Bits);                         // XCOMP_BV set
        if (defect == 2) header.ReservedByte(pattern % XsaveImage.ReservedSize, pattern);                        // reserved byte
        if (defect == 3) header.XstateBv(xstateBv.Bits | ArchMasks.CompactedFormat.Bits);                       // XSTATE_BV[63]
        foreach (int i in xstateBv.Indices())
        {
            int offset = i switch { 0 => XsaveImage.X87RegistersOffset, 1 => XsaveImage.XmmRegistersOffset, _ => cpu.StandardOffset(i) };
            int size = i switch { 0 => 128, 1 => 256, _ => cpu.ComponentSize(i) };
            if (size > 0 && offset + size <= length) b.AsSpan(offset, Math.Min(size, 16)).Fill(pattern);
        }
        return b;
    }

    private static Gen<IReadOnlyList<CpuidEntry>> CpuidEntries(CpuModel cpu) =>
        from eax0 in Weighted.Of((4, Gen.Constant(cpu.SupportedXcr0)), (4, MaskGen.LegalXcr0(cpu.SupportedXcr0)), (1, MaskGen.SubsetOf(cpu.SupportedXcr0)), (1, Gen.Constant(FeatureMask.None)))
        from xss in Weighted.Of((2, Gen.Constant(cpu.SupportedXss)), (1, MaskGen.SubsetOf(cpu.SupportedXss)))
        from withSub1 in Weighted.Of((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from extra in OtherLeaves
        select (IReadOnlyList<CpuidEntry>)(withSub1
            ? [Entry(0, (uint)eax0.Bits, (uint)(eax0.Bits >> 32)), Entry(1, cpu.SubLeaf(1).Eax, 0, (uint)xss.Bits, (uint)(xss.Bits >> 32)), .. extra]
            : [Entry(0, (uint)eax0.Bits, (uint)(eax0.Bits >> 32)), .. extra]);

    /// <summary>
    /// Half the time a leaf KVM looks up without a significant index (R78, R79; a VMM's table always has both): leaf 1 with XSAVE (guest XSAVE and
    /// XSAVES), or 0x80000008 with a virtual-address width of 40, 48 or 57 bits (kvm_check_cpuid refuses one below 48);
    /// at index 0 or 1, where an unflagged entry counts all the same (docs/findings.md F13).
    /// </summary>
    private static readonly Gen<CpuidEntry[]> OtherLeaves = Weighted.Of(
        (2, Gen.Constant(Array.Empty<CpuidEntry>())),
        (1, Gen.Elements(0u, 1u).Select(index => new[] { new CpuidEntry(1, index, new CpuidRegs(0, 0, 1u << 26, 0)) })),
        // Mostly at index 1 with the width the kernel refuses: where finding it or not decides the answer.
        (2, from index in Gen.Elements(0u, 1u, 1u) from width in Gen.Elements(40u, 40u, 48u, 57u)
            select new[] { new CpuidEntry(0x8000_0008, index, new CpuidRegs(width << 8 | 46, 0, 0, 0)) }));

    private static CpuidEntry Entry(uint index, uint eax, uint edxOrEbx, uint ecx = 0, uint edx = 0) =>
        index == 0 ? new(0xD, 0, new CpuidRegs(eax, 0, 0, edxOrEbx)) : new(0xD, index, new CpuidRegs(eax, 0, ecx, edx));

    private static Gen<(uint Flags, IReadOnlyList<XcrEntry> Xcrs)> XcrsArgs(CpuModel cpu) => Weighted.Of(
        (8, MaskGen.NearXcr0Lattice(cpu.SupportedXcr0).Select(x => (0u, (IReadOnlyList<XcrEntry>)[new XcrEntry(0, x.Bits)]))),
        (1, Gen.Constant((1u, (IReadOnlyList<XcrEntry>)[new XcrEntry(0, 1)]))),
        (1, Gen.Constant((0u, (IReadOnlyList<XcrEntry>)Enumerable.Repeat(new XcrEntry(0, 1), 17).ToList()))),
        (1, MaskGen.LegalXcr0(cpu.SupportedXcr0).Select(x => (0u, (IReadOnlyList<XcrEntry>)[new XcrEntry(1, 7), new XcrEntry(0, x.Bits)]))));

    private static Gen<(uint Msr, ulong Value)> MsrWrite(CpuModel cpu) => Weighted.Of(
        (2, MaskGen.SubsetOf(cpu.SupportedXss).Select(m => (Xss, m.Bits))),
        (1, MaskGen.OneFlipFrom(Gen.Constant(cpu.SupportedXss)).Select(m => (Xss, m.Bits))),
        (3, Gen.Elements(0UL, 1UL << 18, 1UL << 17, (1UL << 18) | (1UL << 17)).Select(v => (Xfd, v))),
        (1, Gen.Elements(0UL, 1UL << 18).Select(v => (XfdErr, v))));

    private static Gen<GuestEvent> GuestEvents(CpuModel cpu) => Weighted.Of(
        (4, from x in MaskGen.NearXcr0Lattice(cpu.SupportedXcr0) from cpl in Weighted.Of((9, Gen.Constant(0)), (1, Gen.Constant(3)))
            from ecx in Weighted.Of((9, Gen.Constant(0u)), (1, Gen.Constant(1u))) select (GuestEvent)new GuestXsetbv(cpl, ecx, x.Bits)),
        (3, MsrWrite(cpu).Select(m => (GuestEvent)new GuestWrmsr(m.Msr, m.Value))),
        (1, Gen.Elements(Xss, Xfd, XfdErr).Select(m => (GuestEvent)new GuestRdmsr(m))),
        (1, Gen.Elements(0u, 0x55555554u).Select(v => (GuestEvent)new GuestWritePkru(v))),
        (1, Gen.Constant((GuestEvent)new HostKernelFpuUse())),
        (1, Gen.Constant((GuestEvent)new InitWhileRunning())),
        (3, GuestWrite));

    /// <summary>A guest register write: mostly AVX/AVX-512 lanes and tiles (where XCR0 and XFD decide), some x87/SSE.</summary>
    public static Gen<GuestEvent> GuestWrite { get; } =
        from component in Weighted.Of((1, Gen.Constant(0)), (1, Gen.Constant(1)), (3, Gen.Constant(2)), (1, Gen.Constant(5)),
            (2, Gen.Constant(6)), (1, Gen.Constant(7)), (1, Gen.Constant(17)), (3, Gen.Constant(18)))
        from lane in Gen.Choose(0, 31)
        from value in Gen.Elements(0x0123_4567_89ab_cdefUL, 0xffff_ffff_ffff_ffffUL, 0x8000_0000_0000_0001UL, 0x5aUL)
        select (GuestEvent)new GuestWriteRegister(component, lane * 8, value);
}
