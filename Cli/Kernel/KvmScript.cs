using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Kernel;

/// <summary>The KVM script of <see cref="KvmChecks"/>: every step derived from the live XCR0, MXCSR_MASK and the
/// oracle's own KVM_GET_SUPPORTED_CPUID, nothing from a particular host.</summary>
public static class KvmScript
{
    public static IEnumerable<KvmStep> Steps(HostOracle oracle, IKernel kernel)
    {
        var xcr0 = oracle.Xcr0;
        var cpu = oracle.Host.Cpu;
        int vcpu = -1;
        string all = Mutation.Hex(xcr0.Bits);
        uint reserved = 0x1F80 | PtraceChecks.ReservedMxcsrBit(cpu.MxcsrMask);

        KvmStep Create(string name) => new(name, "vcpu", "R85",
            k => { var o = k.Apply(new VcpuCreateOp(1)); vcpu = o.Created ?? vcpu; return KernelCheck.Rc(o.Result < 0 ? o.Result : 0); }, KvmText.Rc);
        KvmStep GetXcrs(string name, string rule = "R81") => new(name, "get_xcrs", rule, k => KvmText.Xcrs(k.Apply(new GetXcrsOp(vcpu))), KvmText.Xcrs);
        KvmStep GetXsave(string name, string rule = "R89") => new(name, "get_xsave", rule, k => KvmText.Image(k.Apply(new GetXsaveOp(vcpu))), KvmText.Image);
        KvmStep SetXcrs(string name, uint flags, params (uint Xcr, ulong Value)[] xcrs) => new(name,
            $"set_xcrs {flags}" + string.Concat(xcrs.Select(x => $" {x.Xcr}:{Mutation.Hex(x.Value)}")), "R81",
            k => KernelCheck.Rc(k.Apply(new SetXcrsOp(vcpu, flags, xcrs.Select(x => new XcrEntry(x.Xcr, x.Value)).ToList())).Result), KvmText.Rc);
        KvmStep SetXsave(string name, string spec) => new(name, $"set_xsave {spec}", "R89, R69, R70",
            k =>
            {
                var current = k.Apply(new GetXsaveOp(vcpu)).Data ?? new byte[Uapi.KvmXsaveSize];
                return KernelCheck.Rc(k.Apply(new SetXsaveOp(vcpu, Mutation.Apply(current, spec))).Result);
            }, KvmText.Rc);

        yield return new("vm", "vm", "R85", _ => "0", KvmText.Rc);
        foreach (var (capName, cap) in Uapi.KvmCap.All.Entries)
        {
            yield return new($"KVM_CHECK_EXTENSION({capName}) on /dev/kvm", $"check {cap}", "R88 (V1)",
                k => KernelCheck.Rc(k.Apply(new KvmCheckExtensionOp(1, cap)).Result), KvmText.Rc);
            yield return new($"KVM_CHECK_EXTENSION({capName}) on the VM fd", $"check {cap} vm", "R88 (V1)",
                k => KernelCheck.Rc(k.Apply(new KvmCheckExtensionOp(1, cap)).Result), KvmText.Rc);
        }
        // R76: sub-leaf 1 is KVM's own CPUID.(0xD,1).EAX capabilities and supported_xss, and the supervisor sub-leaves
        // exist only for supported_xss: the vendor module decides those (kvm_pvm offers none of XSAVEOPT/XSAVEC/XSAVES
        // and no XSS, KO §3b). Sub-leaf 0 and the user sub-leaves follow the host and supported_xcr0.
        foreach (int sub in new[] { 0, 1 }.Concat((xcr0 | cpu.SupportedXss).Indices().Where(i => i >= 2)))
            yield return new($"KVM_GET_SUPPORTED_CPUID 0xD.{sub}", $"supported_cpuid {sub}", "R75, R76",
                k => Leaf0D(k.Apply(new KvmGetSupportedCpuidOp(1)).Cpuid ?? [], sub), l => Leaf0D(SupportedObserved(l), sub), PvmSensitive: sub == 1 || !xcr0.Contains(sub));

        yield return Create("KVM_CREATE_VCPU");
        yield return GetXcrs("fresh vCPU: KVM_GET_XCRS", "R81, R90 (V2)");
        yield return GetXsave("fresh vCPU: KVM_GET_XSAVE header, MXCSR, sw_reserved", "R89, R90 (V2)");
        yield return new("fresh vCPU: KVM_GET_XSAVE image = the oracle's, byte for byte", "get_xsave", "R89, R90 (V2)",
            k => Whole(k.Apply(new GetXsaveOp(vcpu)).Data, null), l => Whole(null, l.Bytes("image")));
        yield return new("fresh vCPU: KVM_GET_XSAVE2(4096) header", "get_xsave2 4096", "R89 (V2)",
            k => KvmText.Image(k.Apply(new GetXsave2Op(vcpu, Uapi.KvmXsaveSize))), KvmText.Image);

        // V3 without a guest CPUID: only FP is valid (guest_supported_xcr0 = 0).
        foreach (var v in new ulong[] { 0x1, 0x3, 0x7, xcr0.Bits, 0x0, 0x2 }.Distinct())
            yield return SetXcrs($"KVM_SET_XCRS XCR0=0x{v:x} without KVM_SET_CPUID2", 0, (0, v));
        yield return GetXcrs("KVM_GET_XCRS after the refused values");
        // V4: the struct.
        yield return SetXcrs("KVM_SET_XCRS flags=1", 1, (0, 1));
        yield return SetXcrs("KVM_SET_XCRS nr_xcrs=17", 0, Enumerable.Repeat((0u, 1UL), 17).ToArray());
        yield return SetXcrs("KVM_SET_XCRS nr_xcrs=0", 0);
        yield return SetXcrs("KVM_SET_XCRS foreign index XCR1", 0, (1, 0x7));
        yield return SetXcrs("KVM_SET_XCRS [XCR0=1, XCR0=0]: the first XCR0 entry wins", 0, (0, 1), (0, 0));
        yield return GetXcrs("KVM_GET_XCRS after the struct cases");

        // V5: KVM_SET_XSAVE validation (against KVM's supported XCR0, not the guest CPUID).
        yield return SetXsave("KVM_SET_XSAVE round trip", "bv=0x0");
        foreach (int bit in new[] { 3, 8, 9, 11, 12, 17, 18, 19, 62, 63 }.Where(b => !xcr0.Contains(b)))
            yield return SetXsave($"KVM_SET_XSAVE XSTATE_BV |= bit {bit}", $"bv={all},bvor={Mutation.Hex(1UL << bit)}");
        yield return SetXsave("KVM_SET_XSAVE XCOMP_BV = bit 63", $"bv={all},xcomp={Mutation.Hex(1UL << 63)}");
        yield return SetXsave("KVM_SET_XSAVE XCOMP_BV = XCR0", $"bv={all},xcomp={all}");
        foreach (int off in new[] { 528, 560, 575 })
            yield return SetXsave($"KVM_SET_XSAVE header byte {off - 512} = 1", $"bv={all},u8={off}:1");
        foreach (var bv in new ulong[] { xcr0.Bits, 0x1, 0x2, 0x4, 0x0, xcr0.Bits & ~7UL }.Distinct().Where(b => (b & ~xcr0.Bits) == 0))
            yield return SetXsave($"KVM_SET_XSAVE MXCSR reserved bit, XSTATE_BV 0x{bv:x}", $"bv={Mutation.Hex(bv)},mxcsr={Mutation.Hex(reserved)}");
        yield return SetXsave("KVM_SET_XSAVE sw_reserved bytes 416..511 garbage", $"bv={all},u64=416:0x7777777777777777,u64=464:0x7777777777777777,u64=504:0x7777777777777777");
        yield return GetXsave("KVM_GET_XSAVE after the garbage sw_reserved: sw_reserved rewritten");
        // V6: state set with XSTATE_BV = XCR0 reads back masked by the (absent) guest CPUID.
        yield return SetXsave("KVM_SET_XSAVE XSTATE_BV = XCR0 with markers", $"bv={all},u64=160:0x1111111111111111,u64={cpu.StandardOffset(2)}:0x2222222222222222");
        yield return GetXsave("KVM_GET_XSAVE without a guest CPUID: XSTATE_BV masked", "R89 (V6)");
        yield return new("KVM_GET_XSAVE without a guest CPUID: image = the oracle's, byte for byte", "get_xsave", "R89 (V6)",
            k => Whole(k.Apply(new GetXsaveOp(vcpu)).Data, null), l => Whole(null, l.Bytes("image")));
        // V7: XTILE_DATA in the guest CPUID needs the guest permission.
        yield return new("KVM_SET_CPUID2 with CPUID.(0xD,0).EAX bit 18 (XTILE_DATA)", $"set_cpuid2 d0eax={Mutation.Hex(SupportedEax(kernel) | 1UL << 18)}", "R78, R79 (V7)",
            k => KernelCheck.Rc(k.Apply(new SetCpuid2Op(vcpu, WithEax(k, SupportedEax(k) | 1UL << 18))).Result), KvmText.Rc);

        // V8: INIT keeps the xstate and XCR0 (no MPX/CET components to clear unless the host has them).
        yield return new("vm with in-kernel irqchip", "vm irqchip", "R91", _ => "0", KvmText.Rc);
        yield return Create("KVM_CREATE_VCPU for INIT");
        yield return SetXsave("KVM_SET_XSAVE markers before INIT", $"bv=0x3,u64=160:0x3333333333333333");
        yield return new("INIT via KVM_SET_VCPU_EVENTS(latched_init) + KVM_GET_MP_STATE", "init", "R91 (V8)",
            k => KernelCheck.Rc(k.Apply(new VcpuInitOp(vcpu)).Result), KvmText.Rc);
        yield return GetXsave("KVM_GET_XSAVE after INIT", "R91 (V8)");
        yield return new("KVM_GET_XSAVE after INIT: image = the oracle's, byte for byte (markers kept)", "get_xsave", "R91 (V8)",
            k => Whole(k.Apply(new GetXsaveOp(vcpu)).Data, null), l => Whole(null, l.Bytes("image")));
        yield return GetXcrs("KVM_GET_XCRS after INIT", "R91 (V8)");

        // V3 with a guest CPUID: the values depend on CPUID.(0xD,0).EAX, which kvm_pvm rewrites.
        yield return Create("KVM_CREATE_VCPU for KVM_SET_CPUID2") with { PvmSensitive = true };
        yield return new("KVM_SET_CPUID2 = KVM_GET_SUPPORTED_CPUID", "set_cpuid2 none", "R78", k =>
            KernelCheck.Rc(k.Apply(new SetCpuid2Op(vcpu, WithEax(k, SupportedEax(k)))).Result), KvmText.Rc, PvmSensitive: true);
        yield return GetXsave("KVM_GET_XSAVE after KVM_SET_CPUID2", "R89 (V6)") with { PvmSensitive = true };
        foreach (var v in new ulong[] { 0x1, 0x3, 0x7, xcr0.Bits, 0x0, 0x2, 0x5, 0x23, xcr0.Bits | 0x100, 1UL << 63 }.Distinct())
            yield return SetXcrs($"KVM_SET_XCRS XCR0=0x{v:x} with the supported CPUID", 0, (0, v)) with { PvmSensitive = true, Rule = "R80, R81 (V3)" };
    }

    private static ulong SupportedEax(IKernel k) =>
        (k.Apply(new KvmGetSupportedCpuidOp(1)).Cpuid ?? []).FirstOrDefault(e => e.Function == 0xD && e.Index == 0)?.Regs.Eax ?? 0;

    /// <summary>The oracle's supported leaf 0xD entries with CPUID.(0xD,0).EAX replaced.</summary>
    private static IReadOnlyList<CpuidEntry> WithEax(IKernel k, ulong eax) =>
        (k.Apply(new KvmGetSupportedCpuidOp(1)).Cpuid ?? [])
        .Select(e => e.Function == 0xD && e.Index == 0 ? e with { Regs = e.Regs with { Eax = (uint)eax } } : e).ToList();

    private static string Leaf0D(IReadOnlyList<CpuidEntry> entries, int sub) =>
        entries.FirstOrDefault(e => e.Function == 0xD && e.Index == sub) is { } e
            ? $"eax=0x{e.Regs.Eax:x} ebx=0x{e.Regs.Ebx:x} ecx=0x{e.Regs.Ecx:x} edx=0x{e.Regs.Edx:x}"
            : "absent";

    private static IReadOnlyList<CpuidEntry> SupportedObserved(ProbeLine l)
    {
        var entries = new List<CpuidEntry>();
        for (uint i = 0; i < 64; i++)
            if (l.Bytes($"d{i}") is { Length: 16 } b)
                entries.Add(new(0xD, i, new CpuidRegs(BitConverter.ToUInt32(b, 0), BitConverter.ToUInt32(b, 4), BitConverter.ToUInt32(b, 8), BitConverter.ToUInt32(b, 12))));
        return entries;
    }

    private static string Whole(byte[]? a, byte[]? b) => (a ?? b) is { } image ? $"{image.Length} bytes, sha {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(image))[..16]}" : "none";
}
