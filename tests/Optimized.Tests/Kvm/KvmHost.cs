using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux;

namespace Xsave.Optimized.Tests.Kvm;

/// <summary>
/// A booted optimized kernel for KVM tests, with the ioctl numbers and the image/CPUID builders the tests share.
/// Expected values in the tests come from SPEC.md, KERNEL-OBSERVATIONS (upstream rows) and the corpus numbers.
/// </summary>
internal sealed class KvmHost
{
    public const int GetGuestPerm = 0x1024, ReqGuestPerm = 0x1025;
    public const int CapXsave = 55, CapXcrs = 56, CapXsave2 = 208;
    public const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrXfdErr = 0x1C5;
    public const uint MsrUCet = 0x6A0, MsrSCet = 0x6A2, MsrPl0Ssp = 0x6A4, MsrPl3Ssp = 0x6A7;
    public const long EPERM = -1, E2BIG = -7, EFAULT = -14, EBUSY = -16, EINVAL = -22, EOPNOTSUPP = -95;

    public KvmHost(CpuModel cpu, KernelConfig? config = null)
    {
        Cpu = cpu;
        Kernel = new OptimizedKernel(cpu, config ?? KernelConfig.Default);
    }

    public CpuModel Cpu { get; }
    public OptimizedKernel Kernel { get; }

    public KernelOutcome Do(KernelOp op) => Kernel.Apply(op);

    public long R(KernelOp op) => Kernel.Apply(op).Result;

    public VcpuSnapshot Vcpu(int id) => Kernel.Snapshot()!.Vcpus[id];

    /// <summary>A vCPU of process 1 with <paramref name="cpuid"/> set (asserting both succeed).</summary>
    public int NewVcpu(IReadOnlyList<CpuidEntry>? cpuid = null, int pid = 1)
    {
        var created = Do(new VcpuCreateOp(pid));
        Assert.NotNull(created.Created);
        int id = created.Created!.Value;
        if (cpuid is not null) Assert.Equal(0, R(new SetCpuid2Op(id, cpuid)));
        return id;
    }

    /// <summary>
    /// A guest CPUID: leaf 1 with XSAVE (ECX[26]), leaf 7 with CET_SS (ECX[7]) / CET_IBT (EDX[20]) as asked, and leaf 0xD
    /// sub-leaves 0 (XCR0 bits) and 1 (EAX, XSS bits).
    /// </summary>
    public static List<CpuidEntry> GuestCpuid(ulong xcr0, uint sub1Eax, ulong xss = 0, bool shstk = false, bool ibt = false) =>
    [
        new(1, 0, new CpuidRegs(0, 0, 1u << 26, 0)),
        new(7, 0, new CpuidRegs(0, 0, shstk ? 1u << 7 : 0, ibt ? 1u << 20 : 0)),
        new(0xD, 0, new CpuidRegs((uint)xcr0, 0, 0, (uint)(xcr0 >> 32))),
        new(0xD, 1, new CpuidRegs(sub1Eax, 0, (uint)xss, (uint)(xss >> 32))),
    ];

    /// <summary>
    /// A standard-format image: FCW 0x37F, MXCSR, the CPU's MXCSR_MASK, XSTATE_BV, and marker bytes in ST0 (32..41),
    /// XMM0 (160..175) and every extended component of <paramref name="xstateBv"/> at its CPUID offset/size.
    /// </summary>
    public static byte[] Image(CpuModel cpu, int size, ulong xstateBv, uint mxcsr = 0x1F80, byte marker = 0x5A)
    {
        var b = new byte[size];
        BinaryPrimitives.WriteUInt16LittleEndian(b, 0x37F);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), mxcsr);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(28), cpu.MxcsrMask);
        b.AsSpan(32, 10).Fill(marker);
        b.AsSpan(160, 16).Fill((byte)(marker + 1));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(512), xstateBv);
        for (int i = 2; i < 20; i++)
        {
            if ((xstateBv >> i & 1) == 0) continue;
            int offset = cpu.StandardOffset(i), length = cpu.ComponentSize(i);
            if (offset >= 576 && length > 0 && offset + length <= size) b.AsSpan(offset, length).Fill((byte)(marker + i));
        }
        return b;
    }

    public static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
    public static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
}
