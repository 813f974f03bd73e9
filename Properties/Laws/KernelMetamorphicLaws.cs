using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>Relations between runs of the same implementation (round trips, order independence).</summary>
public static class KernelMetamorphicLaws
{
    private const int ReqPerm = Uapi.ArchPrctl.ReqXcompPerm, ReqGuestPerm = Uapi.ArchPrctl.ReqXcompGuestPerm;

    private const string Compared = "image set and read back", ComparedAbove4k = "image of more than 4096 bytes set and read back",
        Granted = "a request granted", Refused = "a request refused";

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.uabi.set-get-roundtrip", LawKind.Metamorphic,
            ["I13", "R69", "R70", "R89", "H11", "H16"], ContractPart.LinuxBoot | ContractPart.Kvm,
            "KVM_SET_XSAVE of a valid image then KVM_GET_XSAVE2 gives back the same x87/SSE/AVX/... bytes for every component both the image and the guest have, and XSTATE_BV ⊆ what was set.",
            ctx => Arb.From(RoundTrip(InputGen.Cpus(ctx)), s => KernelScenarioShrinker.Shrink(s, c => ctx.FixedCpu is null ? CpuGen.Shrink(c, ctx.CorpusCpus) : [])
                .Where(x => x.Ops.Count >= 2 && x.Ops[^2] is SetXsaveOp && x.Ops[^1] is GetXsave2Op)),
            KernelScenarioCodec.Instance,
            (ctx, s) => RoundTripHolds(ctx, s))
            .Declares(new LawCoverage([Compared, ComparedAbove4k], MaxVacuousShare: 0.25)); // hosts without XSAVE, refused images: measured at most 15%

        yield return new Law<KernelScenario>("kernel.perm.request-order-independent", LawKind.Metamorphic,
            ["R65", "R67", "I10"], ContractPart.LinuxBoot | ContractPart.LinuxProcess,
            "The same permission requests in reverse order return the same results and leave the same permissions.",
            ctx => Arb.From(Requests(InputGen.Cpus(ctx)), s => KernelScenarioShrinker.Shrink(s, c => ctx.FixedCpu is null ? CpuGen.Shrink(c, ctx.CorpusCpus) : [])),
            KernelScenarioCodec.Instance,
            (ctx, s) =>
            {
                var forward = KernelRun.Execute(ctx.Subject, s);
                var backward = KernelRun.Execute(ctx.Subject, s with { Ops = s.Ops.Reverse().ToList() });
                var a = forward.Steps.Select(x => x.Describe()).Order().ToList();
                var b = backward.Steps.Select(x => x.Describe()).Order().ToList();
                // After a boot that died there is no process 1 (an empty world) on either side.
                var pa = forward.Steps.LastOrDefault()?.After?.Processes.FirstOrDefault();
                var pb = backward.Steps.LastOrDefault()?.After?.Processes.FirstOrDefault();
                var property = Check.That(a.SequenceEqual(b), $"results differ by order: [{string.Join("; ", a)}] vs [{string.Join("; ", b)}]")
                    .And(Check.That(pa == pb, $"permissions differ by order: {pa?.Perm}/{pa?.GuestPerm} vs {pb?.Perm}/{pb?.GuestPerm}"));
                if (forward.Steps.Any(x => x.Outcome?.Result == 0)) property = property.In(Granted);
                return forward.Steps.Any(x => x.Outcome is { Result: not 0 }) ? property.In(Refused) : property;
            })
        { NeedsInternalState = true }.Declares(new LawCoverage([Granted, Refused], MaxVacuousShare: 0));
    }

    /// <summary>A VMM prologue, one KVM_SET_XSAVE of a header-valid image of the uABI size, then KVM_GET_XSAVE2.</summary>
    private static Gen<KernelScenario> RoundTrip(Gen<CpuCase> cpus) =>
        from cpu in cpus
        let c = cpu.Cpu
        from bv in MaskGen.SubsetOf(c.SupportedXcr0)
        from pattern in Gen.Choose(1, 255)
        from mxcsr in Gen.Elements(0x1f80u, 0x1fc0u)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)
        select new KernelScenario(cpu, KernelConfig.Default,
        [
            new ArchPrctlOp(1, ReqGuestPerm, 18),
            new VcpuCreateOp(1),
            new SetCpuid2Op(0, [new CpuidEntry(0xD, 0, new CpuidRegs((uint)c.SupportedXcr0.Bits, 0, 0, (uint)(c.SupportedXcr0.Bits >> 32))),
                                new CpuidEntry(0xD, 1, new CpuidRegs(c.SubLeaf(1).Eax, 0, (uint)c.SupportedXss.Bits, (uint)(c.SupportedXss.Bits >> 32)))]),
            new SetXsaveOp(0, KernelOpGen.BuildImage(c, uabi, bv, 0, mxcsr, (byte)pattern)),
            new GetXsave2Op(0, uabi),
        ]);

    private static CaseResult RoundTripHolds(PropertyContext ctx, KernelScenario s)
    {
        var trace = KernelRun.Execute(ctx.Subject, s);
        // R89: a host without XSAVE hands out a 512-byte FXSAVE image with XSTATE_BV = FPSSE: no round trip to check.
        if (trace.Steps.Count < 2 || !trace.Boot.Xsave) return Check.Vacuous("not applicable");
        var set = trace.Steps[^2];
        var get = trace.Steps[^1];
        if (set.Op is not SetXsaveOp { Image: var image } || set.Outcome?.Result != 0 || get.Outcome?.Data is not { } back)
            return Check.Vacuous("set refused: nothing to compare");
        var cpu = s.Cpu.Cpu;
        var sent = new FeatureMask(XsaveImage.Read(image).XstateBv ?? 0);
        var got = new FeatureMask(XsaveImage.Read(back).XstateBv ?? 0);
        if (!got.Without(XFeature.Pkru).IsSubsetOf(sent)) return Check.That(false, $"GET reports XSTATE_BV {got}, SET gave {sent}");
        foreach (int i in (sent & got).Without(XFeature.Pkru).Indices())
        {
            var (offset, size) = i switch { 0 => (32, 128), 1 => (160, 256), _ => (cpu.StandardOffset(i), cpu.ComponentSize(i)) };
            if (!image.AsSpan(offset, size).SequenceEqual(back.AsSpan(offset, size)))
                return Check.That(false, $"component {i} ({ComponentCatalogue.ShortName(i)}) bytes at {offset} differ after the round trip");
        }
        var held = Check.That(true, "round trip").In(Compared);
        return image.Length > Uapi.KvmXsaveSize ? held.In(ComparedAbove4k) : held;
    }

    /// <summary>Only permission requests (host and guest), arguments near component 18.</summary>
    private static Gen<KernelScenario> Requests(Gen<CpuCase> cpus) =>
        from cpu in cpus
        from n in Gen.Choose(1, 6)
        from ops in Gen.ListOf(
            from opt in Gen.Elements(ReqPerm, ReqGuestPerm)
            from arg in Weighted.Of((4, Gen.Constant(18UL)), (1, Gen.Elements(17UL, 2UL, 19UL, 20UL, 64UL)))
            select (KernelOp)new ArchPrctlOp(1, opt, arg), n)
        select new KernelScenario(cpu, KernelConfig.Default, ops);
}
