namespace Xsave.Contract.Linux.Operations;

/// <summary>Every guest event a KVM_RUN can carry, described once (name, arguments, text), as <see cref="KernelOps"/>
/// describes the operations.</summary>
public static class GuestEvents
{
    public static IReadOnlyList<OpDescriptor> All { get; } =
    [
        new OpDescriptor<GuestXsetbv>("xsetbv",
            [new("cpl", ArgKind.Int, 0), new("ecx", ArgKind.UInt, 0u), new("value", ArgKind.Mask)],
            x => $"XSETBV(cpl{x.Cpl}, ecx={x.Ecx}, 0x{x.Value:x})",
            x => new OpValues().Set("cpl", x.Cpl).Set("ecx", x.Ecx).Set("value", x.Value),
            v => new GuestXsetbv(v.Int("cpl"), v.UInt("ecx"), v.ULong("value"))),
        new OpDescriptor<GuestWrmsr>("wrmsr",
            [new("msr", ArgKind.Msr), new("value", ArgKind.Mask)],
            w => $"WRMSR(0x{w.Msr:x}, 0x{w.Value:x})",
            w => new OpValues().Set("msr", w.Msr).Set("value", w.Value),
            v => new GuestWrmsr(v.UInt("msr"), v.ULong("value"))),
        new OpDescriptor<GuestRdmsr>("rdmsr",
            [new("msr", ArgKind.Msr)],
            r => $"RDMSR(0x{r.Msr:x})",
            r => new OpValues().Set("msr", r.Msr),
            v => new GuestRdmsr(v.UInt("msr"))),
        new OpDescriptor<GuestWritePkru>("wrpkru",
            [new("value", ArgKind.UInt)],
            p => $"WRPKRU(0x{p.Value:x})",
            p => new OpValues().Set("value", p.Value),
            v => new GuestWritePkru(v.UInt("value"))),
        new OpDescriptor<HostKernelFpuUse>("kernel_fpu_begin", [], _ => "kernel_fpu_begin", _ => new OpValues(), _ => new HostKernelFpuUse()),
        new OpDescriptor<InitWhileRunning>("init", [], _ => "INIT", _ => new OpValues(), _ => new InitWhileRunning()),
        new OpDescriptor<GuestWriteRegister>("write_reg",
            [new("component", ArgKind.Xfeature), new("offset", ArgKind.Int, 0), new("value", ArgKind.ULong)],
            w => $"write {(XFeature)w.Component}+{w.Offset} = 0x{w.Value:x}",
            w => new OpValues().Set("component", w.Component).Set("offset", w.Offset).Set("value", w.Value),
            v => new GuestWriteRegister(v.Int("component"), v.Int("offset"), v.ULong("value"))),
    ];

    private static readonly Dictionary<Type, OpDescriptor> ByType = All.ToDictionary(d => d.Type);
    private static readonly Dictionary<string, OpDescriptor> ByName = All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static OpDescriptor For(GuestEvent e) =>
        ByType.TryGetValue(e.GetType(), out var d) ? d
            : throw new InvalidOperationException($"{e.GetType().Name} has no entry in GuestEvents.All (add its description)");

    public static OpDescriptor? Find(string name) => ByName.GetValueOrDefault(name);
}
