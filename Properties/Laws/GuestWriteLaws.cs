using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using Xsave.Contract.Machine;
using Xsave.Properties.Comparison;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Laws;

/// <summary>
/// Guest register writes during KVM_RUN (write_reg): what the guest wrote is what KVM_GET_XSAVE2 hands out, or the
/// fault the SDM names. The expected branch comes from the guest's XCR0 and XFD as the scenario set them (R80, R83)
/// and the offsets from the CPU's CPUID (R14), never from the implementation. Checked on the implementation alone.
/// </summary>
public static class GuestWriteLaws
{
    private const int XtileData = 18;

    public static IEnumerable<ConformanceProperty> All()
    {
        yield return new Law<KernelScenario>("kernel.kvm.guest-write-visible", LawKind.Metamorphic,
            ["R86", "R89", "R70", "R91", "R11", "R27", "I19"], ContractPart.LinuxBoot | ContractPart.Kvm,
            "A guest register write in KVM_RUN is #UD when a VEX/EVEX/AMX component is not in the guest XCR0, else #NM with IA32_XFD_ERR = the component when the guest's XFD arms it, else KVM_GET_XSAVE2 shows XSTATE_BV[i] = 1 and the 8 bytes at the component's UABI place; an INIT before the read changes nothing of it.",
            ctx => Arb.From(Writes(Cpus(ctx))),
            KernelScenarioCodec.Instance,
            Holds).Declares(new LawCoverage(["completed", "#UD", "#NM"], MaxVacuousShare: 0.3)); // a refused set-up: measured at most 17%
    }

    /// <summary>The law's CPUs: as every law's, with the corpus's AMX+XFD CPUs drawn more often (the #NM branch needs
    /// one; few corpus CPUs have it).</summary>
    public static Gen<CpuCase> Cpus(PropertyContext ctx)
    {
        var amx = ctx.CorpusCpus.Where(c => c.SupportedXcr0.Contains(XtileData) && (c.SubLeaf(1).Eax & 0x10) != 0).ToList();
        return ctx.FixedCpu is not null || amx.Count == 0 ? InputGen.Cpus(ctx)
            : Weighted.Of((1, InputGen.Cpus(ctx)), (1, Gen.Elements<CpuModel>(amx).Select(c => new CpuCase(c, null))));
    }

    /// <summary>A VMM prologue (guest AMX permission, the CPU's user features, sub-leaf 1 for XFD), then one KVM_RUN: the
    /// guest's XSETBV, maybe its XFD write, the register write; then maybe INIT; then KVM_GET_XSAVE2.</summary>
    public static Gen<KernelScenario> Writes(Gen<CpuCase> cpus) =>
        from cpu in cpus
        let c = cpu.Cpu
        from xcr0 in Weighted.Of((3, Gen.Constant(c.SupportedXcr0)), (2, MaskGen.LegalXcr0(c.SupportedXcr0)))
        // Armed half the time: the #NM branch needs it, and came in 4-9 of 100 cases at one in three (issue 16).
        from armXfd in Gen.Elements(false, true)
        // With the guest's XFD armed, mostly a tile write: the #NM branch needs it (and an AMX CPU).
        from write in armXfd ? Weighted.Of((1, KernelOpGen.GuestWrite), (3, Gen.Constant((GuestEvent)new GuestWriteRegister(XtileData, 64, 0x7777)))) : KernelOpGen.GuestWrite
        from init in Gen.Elements(false, true)
        let uabi = Math.Max(Uapi.KvmXsaveSize, (int)c.MaxStandardSize)
        let exits = new GuestEvent[] { new GuestXsetbv(0, 0, xcr0.Bits) }
            .Concat(armXfd ? [new GuestWrmsr(Uapi.Msr.Ia32Xfd, 1UL << XtileData)] : Array.Empty<GuestEvent>()).Append(write).ToList()
        select new KernelScenario(cpu, KernelConfig.Default,
        [
            .. VmmSetup.Prologue(c, withSub1: true),
            new KvmRunOp(0, exits),
            .. init ? new KernelOp[] { new VcpuInitOp(0) } : [],
            new GetXsave2Op(0, uabi),
        ]);

    private static CaseResult Holds(PropertyContext ctx, KernelScenario s)
    {
        var t = KernelRun.Execute(ctx.Subject, s);
        var cpu = s.Cpu.Cpu;
        int runIndex = s.Ops.ToList().FindIndex(op => op is KvmRunOp);
        var run = t.Steps[runIndex];
        var exits = ((KvmRunOp)run.Op).Exits;
        var w = (GuestWriteRegister)exits[^1];
        // Only where the guest setup took: the vCPU exists, KVM_RUN ran every event, the XSETBV completed.
        if (!t.Boot.Xsave || run.Outcome is not { Result: 0, Exits: { } got } || got.Count != exits.Count || got[0] != GuestExit.Completed)
            return Check.Vacuous("not applicable");
        var xcr0 = new FeatureMask(((GuestXsetbv)exits[0]).Value);
        bool xfdTaken = exits.Count == 3 && got[1] == GuestExit.Completed;
        bool legacy = w.Component is 0 or 1;
        var expected = !legacy && !xcr0.Contains(w.Component) ? GuestExit.InjectedUd
            : xfdTaken && w.Component == XtileData ? GuestExit.InjectedNm
            : GuestExit.Completed;
        string branch = expected.ToString();
        if (got[^1] != expected)
            return Check.That(false, $"write to {(XFeature)w.Component} with guest XCR0 {xcr0}, XFD armed {xfdTaken}: {got[^1]}, expected {expected}").In(branch);
        if (expected == GuestExit.InjectedNm)
            return Check.That(run.After?.Vcpus[0].XfdErr == 1UL << XtileData, $"XFD_ERR 0x{run.After?.Vcpus[0].XfdErr:x} after the #NM, expected TILEDATA").In(branch);
        if (t.Steps[^1].Outcome?.Data is not { } image) return Check.That(false, $"KVM_GET_XSAVE2 failed: {t.Steps[^1].Outcome?.Result}").In(branch);
        bool bit = new FeatureMask(XsaveImage.Read(image).XstateBv ?? 0).Contains(w.Component);
        if (expected == GuestExit.InjectedUd) return Check.That(true, "#UD").In(branch);
        var (at, size) = w.Component switch { 0 => (32, 128), 1 => (160, 256), int i => (cpu.StandardOffset(i), cpu.ComponentSize(i)) };
        int lane = at + w.Offset / 8 * 8 % size;
        ulong bytes = BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(lane));
        string after = s.Ops.Any(op => op is VcpuInitOp) ? " (after INIT)" : "";
        return Check.That(bit && bytes == w.Value,
            $"KVM_GET_XSAVE2{after}: XSTATE_BV[{(XFeature)w.Component}] = {bit}, bytes at {lane} 0x{bytes:x}, the guest wrote 0x{w.Value:x}").In(branch);
    }
}
