using System.Buffers.Binary;
using Xsave.Contract;
using Xsave.Contract.Linux;

namespace Xsave.TestSupport;

/// <summary>Inputs the KVM tests of several projects build the same way: a guest CPUID and a UABI XSAVE image.</summary>
public static class KvmInputs
{
    /// <summary>
    /// A guest CPUID for KVM_SET_CPUID2: leaf 1 with XSAVE (ECX[26]), leaf 7 with CET_SS (ECX[7]) / CET_IBT (EDX[20]) as
    /// asked, and leaf 0xD sub-leaves 0 (XCR0 bits) and 1 (EAX, XSS bits).
    /// </summary>
    public static List<CpuidEntry> GuestCpuid(ulong xcr0, uint sub1Eax, ulong xss = 0, bool shstk = false, bool ibt = false, uint leaf1Eax = 0) =>
    [
        new(1, 0, new CpuidRegs(leaf1Eax, 0, 1u << 26, 0)),
        new(7, 0, new CpuidRegs(0, 0, shstk ? 1u << 7 : 0, ibt ? 1u << 20 : 0)),
        new(0xD, 0, new CpuidRegs((uint)xcr0, 0, 0, (uint)(xcr0 >> 32))),
        new(0xD, 1, new CpuidRegs(sub1Eax, 0, (uint)xss, (uint)(xss >> 32))),
    ];

    /// <summary>
    /// A standard-format image of <paramref name="size"/> bytes: FCW 0x37F, the given MXCSR, the CPU's MXCSR_MASK,
    /// XSTATE_BV, and marker bytes in ST0 (32..41), XMM0 (160..175) and every extended component of XSTATE_BV the CPU
    /// enumerates, at its CPUID offset and size.
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
}
