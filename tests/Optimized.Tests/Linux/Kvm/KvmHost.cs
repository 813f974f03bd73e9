using System.Buffers.Binary;

namespace Xsave.Optimized.Tests.Linux.Kvm;

/// <summary>
/// A booted optimized kernel for KVM tests, with the ioctl numbers and the image/CPUID builders the tests share.
/// Expected values in the tests come from SPEC.md, KERNEL-OBSERVATIONS (upstream rows) and the corpus numbers.
/// </summary>
internal sealed class KvmHost : KernelHost
{
    public const int GetGuestPerm = 0x1024, ReqGuestPerm = 0x1025;
    public const int CapXsave = 55, CapXcrs = 56, CapXsave2 = 208;
    public const uint MsrXss = 0xDA0, MsrXfd = 0x1C4, MsrXfdErr = 0x1C5;
    public const uint MsrUCet = 0x6A0, MsrSCet = 0x6A2, MsrPl0Ssp = 0x6A4, MsrPl3Ssp = 0x6A7;
    public const long EPERM = -1, E2BIG = -7, EFAULT = -14, EBUSY = -16, EINVAL = -22, EOPNOTSUPP = -95;

    public KvmHost(CpuModel cpu, KernelConfig? config = null) : base(new OptimizedKernel(cpu, config ?? KernelConfig.Default))
    {
        Cpu = cpu;
    }

    public CpuModel Cpu { get; }
    public OptimizedKernel Kernel => (OptimizedKernel)Subject;

    public static List<CpuidEntry> GuestCpuid(ulong xcr0, uint sub1Eax, ulong xss = 0, bool shstk = false, bool ibt = false) =>
        KvmInputs.GuestCpuid(xcr0, sub1Eax, xss, shstk, ibt);

    public static byte[] Image(CpuModel cpu, int size, ulong xstateBv, uint mxcsr = 0x1F80, byte marker = 0x5A) =>
        KvmInputs.Image(cpu, size, xstateBv, mxcsr, marker);
}
