using System.Buffers.Binary;

namespace Xsave.Optimized.Tests.Linux.Uabi;

/// <summary>PTRACE_GETREGSET/SETREGSET NT_X86_XSTATE (SPEC R68-R71): the KO §6b table on the measured host, R70/H18 details.</summary>
public class XstateRegsetTests
{
    private const long EINVAL = -22, EFAULT = -14;

    private static (BootTables B, TaskThread T) Fresh()
    {
        var b = Hosts.Zen5();
        return (b, Hosts.Start(b).Leader);
    }

    /// <summary>A valid full image: the thread's own GET output with XSTATE_BV = <paramref name="bv"/>.</summary>
    private static byte[] Image(BootTables b, TaskThread t, ulong bv, int length = 2432)
    {
        Assert.Equal(0, XstateRegset.Get(b, t, 2432, out var data));
        var image = new byte[length];
        data!.CopyTo(image, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(512), bv);
        return image;
    }

    [Theory]
    [InlineData(8192)]
    [InlineData(4096)]
    public void Get_LargeIovec_CutToUserMaxSize(int iovLen)
    {
        // KO §6b: iov_len 8192/4096 -> 0, iov_len := 2432.
        var (b, t) = Fresh();
        Assert.Equal(0, XstateRegset.Set(b, t, Image(b, t, 0xe7)));
        Assert.Equal(0, XstateRegset.Get(b, t, iovLen, out var data));
        Assert.Equal(2432, data!.Length);
        // XSTATE_BV 0xe7, XCOMP_BV 0, sw bytes 464..471 = 0xe7 (user.max_features), 472..511 = 0.
        Assert.Equal(0xe7UL, BitConverter.ToUInt64(data, 512));
        Assert.Equal(0UL, BitConverter.ToUInt64(data, 520));
        Assert.Equal(0xe7UL, BitConverter.ToUInt64(data, 464));
        Assert.All(data[472..512], x => Assert.Equal(0, x));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(576)]
    public void Get_ShortIovec_TruncatedCopy(int iovLen)
    {
        var (b, t) = Fresh();
        Assert.Equal(0, XstateRegset.Get(b, t, iovLen, out var data));
        Assert.Equal(iovLen, data!.Length);
    }

    [Theory]
    [InlineData(2431)]
    [InlineData(2433)]
    public void GetAndSet_NotMultipleOf8_Einval(int len)
    {
        var (b, t) = Fresh();
        Assert.Equal(EINVAL, XstateRegset.Get(b, t, len, out _));
        Assert.Equal(EINVAL, XstateRegset.Set(b, t, new byte[len]));
    }

    [Theory]
    [InlineData(512)]
    [InlineData(576)]
    public void Set_ShortIovec_Efault(int len)
    {
        // KO §6b: SETREGSET needs the full 2432 bytes.
        var (b, t) = Fresh();
        Assert.Equal(EFAULT, XstateRegset.Set(b, t, Image(b, t, 0xe7)[..len]));
    }

    [Theory]
    [InlineData(2432)]
    [InlineData(4096)]
    public void Set_FullOrLonger_Accepted(int len)
    {
        var (b, t) = Fresh();
        Assert.Equal(0, XstateRegset.Set(b, t, Image(b, t, 0xe7, len)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(63)]
    public void Set_XstateBvOutsideUserXfeatures_Einval(int bit)
    {
        // R68, KO §6b: XSTATE_BV |= bit 3/9/11/12/63 -> -EINVAL, and the kernel buffer is unchanged (I14).
        var (b, t) = Fresh();
        var before = t.Own.Regs.ToArray();
        Assert.Equal(EINVAL, XstateRegset.Set(b, t, Image(b, t, 0xe7 | 1UL << bit)));
        Assert.Equal(before, t.Own.Regs);
    }

    [Theory]
    [InlineData(520)] // XCOMP_BV
    [InlineData(528)] // header byte 16
    [InlineData(536)] // header byte 24
    [InlineData(575)] // header byte 63
    public void Set_NonZeroXcompBvOrReserved_Einval(int offset)
    {
        var (b, t) = Fresh();
        var image = Image(b, t, 0xe7);
        image[offset] = 1;
        Assert.Equal(EINVAL, XstateRegset.Set(b, t, image));
    }

    [Theory]
    [InlineData(0x11f80u, 0xe7UL, EINVAL)]
    [InlineData(0x11f80u, 0x1UL, EINVAL)]
    [InlineData(0x11f80u, 0x4UL, EINVAL)]
    [InlineData(0x11f80u, 0x0UL, 0L)]
    [InlineData(0x11f80u, 0xe0UL, 0L)]
    [InlineData(0x21f80u, 0xe7UL, 0L)]
    public void Set_Mxcsr_CheckedOnlyWithFpSseYmm(uint mxcsr, ulong bv, long expected)
    {
        // R69, KO §6b (MXCSR_MASK 0x2ffff: bit 16 reserved, bit 17 not).
        var (b, t) = Fresh();
        var image = Image(b, t, bv);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(24), mxcsr);
        Assert.Equal(expected, XstateRegset.Set(b, t, image));
        if (expected == 0 && (bv & 0x7) == 0)
        {
            // "MXCSR reads 0x1f80": not reported, so it comes from init_fpstate (R70).
            Assert.Equal(0, XstateRegset.Get(b, t, 2432, out var data));
            Assert.Equal(0x1f80u, BitConverter.ToUInt32(data!, 24));
        }
    }

    [Fact]
    public void Set_DroppedComponents_ReadBackAsInit_SwBytesIgnored()
    {
        // KO §6b: XSTATE_BV 0x4 then 0x3 -> the YMM bytes read back as init (zero); garbage in 464..511 ignored.
        var (b, t) = Fresh();
        var image = Image(b, t, 0x4);
        image.AsSpan(576, 256).Fill(0x5A);
        image.AsSpan(464, 48).Fill(0xEE);
        Assert.Equal(0, XstateRegset.Set(b, t, image));
        Assert.Equal(0, XstateRegset.Get(b, t, 2432, out var withYmm));
        Assert.All(withYmm![576..832], x => Assert.Equal(0x5A, x));
        Assert.Equal(0xe7UL, BitConverter.ToUInt64(withYmm, 464));

        Assert.Equal(0, XstateRegset.Set(b, t, Image(b, t, 0x3)));
        Assert.Equal(0, XstateRegset.Get(b, t, 2432, out var data));
        Assert.Equal(0x3UL, BitConverter.ToUInt64(data!, 512));
        Assert.All(data![576..832], x => Assert.Equal(0, x));
    }

    [Fact]
    public void Set_KeepsSupervisorHeaderBits()
    {
        // R69, H16: XSTATE_BV := (old & SUPERVISOR_ALL) | header.
        var (b, t) = Fresh();
        t.Own.XstateBv = 1UL << 11 | 0x7;
        Assert.Equal(0, XstateRegset.Set(b, t, Image(b, t, 0x3)));
        Assert.Equal(1UL << 11 | 0x3, t.Own.XstateBv);
    }

    [Fact]
    public void Pkru_SetWritesThreadPkru_ClearBitResetsToZero()
    {
        // R69/R71, H18: with the PKRU bit the buffer's value becomes thread.pkru; without it PKRU is reset to 0 (as
        // XRSTOR would). R70: GET writes PKRU as {thread.pkru, 0} at its standard offset (0xa80 on Sapphire Rapids).
        var b = Hosts.Corpus(Hosts.SapphireRapids);
        var t = Hosts.Start(b).Leader;
        Assert.Equal(0, XstateRegset.Get(b, t, (int)Hosts.SprUserMaxSize, out var data));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(512), 0x203UL);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(0xa80), 0x55555554u);
        Assert.Equal(0, XstateRegset.Set(b, t, data));
        Assert.Equal(0x55555554u, t.Pkru);

        t.Pkru = 0x12345678; // e.g. changed by the task since
        Assert.Equal(0, XstateRegset.Get(b, t, (int)Hosts.SprUserMaxSize, out var out1));
        Assert.Equal(0x12345678u, BitConverter.ToUInt32(out1!, 0xa80));
        Assert.Equal(0u, BitConverter.ToUInt32(out1!, 0xa84));
        // Gaps around it are zero (H16): the bytes from 576 up to PKRU, and the rest up to the end.
        Assert.All(out1![576..0xa80], x => Assert.Equal(0, x));
        Assert.All(out1![0xa88..], x => Assert.Equal(0, x));

        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(512), 0x3UL);
        Assert.Equal(0, XstateRegset.Set(b, t, data));
        Assert.Equal(0u, t.Pkru);
    }

    [Fact]
    public void NoXsave_Enodev()
    {
        var b = Hosts.Zen5(Contract.Linux.KernelConfig.Default with { NoXsave = true });
        var t = Hosts.Start(b).Leader;
        Assert.Equal(-19, XstateRegset.Get(b, t, 512, out _));
        Assert.Equal(-19, XstateRegset.Set(b, t, new byte[512]));
    }

    [Fact]
    public void ValidateHeader_R68()
    {
        var hdr = new byte[576];
        Assert.Equal(0, UabiToXstate.ValidateHeader(hdr, 0x3));
        BinaryPrimitives.WriteUInt64LittleEndian(hdr.AsSpan(512), 0x7);
        Assert.Equal(EINVAL, UabiToXstate.ValidateHeader(hdr, 0x3));
        Assert.Equal(0, UabiToXstate.ValidateHeader(hdr, 0x7));
        hdr[575] = 1;
        Assert.Equal(EINVAL, UabiToXstate.ValidateHeader(hdr, 0x7));
        Assert.Equal(EFAULT, UabiToXstate.ValidateHeader(new byte[575], 0x7));
    }
}
