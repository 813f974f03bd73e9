namespace Xsave.Oracle.Tests.Linux.Kvm;

/// <summary>
/// R89 KVM_GET_XSAVE / KVM_GET_XSAVE2 / KVM_SET_XSAVE on the KO §1a Zen 5 host. Expected values: KO §3c (fresh vCPU)
/// and KO §3g (SET_XSAVE validation and the GET masking asymmetry), both marked upstream there.
/// Offsets on that host (KO §1a): XMM0 at 160, YMM0[255:128] at 576, k0 at 832, ZMM0[511:256] at 896, ZMM16 at 1408.
/// </summary>
public class KvmXsaveTests
{
    private const int Xmm0 = 160, Ymm0Hi = 576, K0 = 832, Zmm0Hi = 896, Zmm16 = 1408;

    [Fact]
    public void GetXsave_FreshVcpu_IsTheKo3cImage()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        var read = vcpu.GetXsave();
        Ok(read.Result);
        var image = read.Value;

        Assert.Equal(4096, image.Length);
        Assert.Equal(0x037F, U16(image, 0));          // FCW
        Assert.Equal(0, U16(image, 2));               // FSW
        Assert.Equal(0, image[4]);                    // FTW
        Assert.Equal(0x1F80u, U32(image, 24));        // MXCSR
        Assert.Equal(0x2FFFFu, U32(image, 28));       // MXCSR_MASK of the CPU
        Assert.Equal(0UL, U64(image, 512));           // XSTATE_BV
        Assert.Equal(0UL, U64(image, 520));           // XCOMP_BV
        Assert.Equal(0xE7UL, U64(image, 464));        // host user.max_features
        // "the only other non-zero bytes": everything else is zero.
        for (int k = 0; k < image.Length; k++)
            if (k is not (0 or 1 or >= 24 and < 32 or >= 464 and < 472))
                Assert.True(image[k] == 0, $"byte {k} = 0x{image[k]:x2}");
    }

    [Fact]
    public void GetXsave2_FreshVcpu_EqualsGetXsave()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Assert.Equal(4096, KvmCapabilities.CheckExtension(kvm, KvmCap.Xsave2, process));
        Assert.Equal(vcpu.GetXsave().Value, vcpu.GetXsave2().Value);
    }

    /// <summary>KO §3g setup: CPUID = supported, XCR0 = 0xe7, markers in xmm0, ymm0-hi, k0, zmm0-hi, zmm16.</summary>
    private static (Vcpu Vcpu, byte[] Image) Marked()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0xE7))));
        var image = vcpu.GetXsave().Value;
        image.AsSpan(Xmm0, 16).Fill(0x11);
        image.AsSpan(Ymm0Hi, 16).Fill(0x22);
        image.AsSpan(K0, 8).Fill(0x33);
        image.AsSpan(Zmm0Hi, 32).Fill(0x44);
        image.AsSpan(Zmm16, 64).Fill(0x55);
        Put64(image, 512, 0xE7);
        Ok(vcpu.SetXsave(image));
        return (vcpu, image);
    }

    [Fact]
    public void SetXsave_RoundTrip_IsByteIdentical()
    {
        var (vcpu, image) = Marked();
        var first = vcpu.GetXsave().Value;
        Assert.Equal(image, first);
        Ok(vcpu.SetXsave(first));
        Assert.Equal(first, vcpu.GetXsave().Value);
    }

    [Theory]
    [InlineData(0xE7UL)]
    [InlineData(0x7UL)]
    [InlineData(0x3UL)]
    [InlineData(0x1UL)]
    [InlineData(0x2UL)]
    [InlineData(0x4UL)]  // YMM without SSE
    [InlineData(0xE0UL)] // AVX-512 only
    [InlineData(0x0UL)]
    public void SetXsave_AcceptsXstateBv_AndDroppedComponentsReadBackAsInit(ulong xstateBv)
    {
        var (vcpu, image) = Marked();
        Put64(image, 512, xstateBv);
        Ok(vcpu.SetXsave(image));
        var back = vcpu.GetXsave().Value;

        Assert.Equal(xstateBv, U64(back, 512));
        Assert.Equal((xstateBv & 1) != 0 ? image[0] : 0x7F, back[0]);
        Assert.Equal((xstateBv & 2) != 0 ? 0x11 : 0, back[Xmm0]);
        Assert.Equal((xstateBv & 4) != 0 ? 0x22 : 0, back[Ymm0Hi]);
        Assert.Equal((xstateBv & 0x20) != 0 ? 0x33 : 0, back[K0]);
        Assert.Equal((xstateBv & 0x40) != 0 ? 0x44 : 0, back[Zmm0Hi]);
        Assert.Equal((xstateBv & 0x80) != 0 ? 0x55 : 0, back[Zmm16]);
        if ((xstateBv & 6) == 0) Assert.Equal(0x1F80u, U32(back, 24));
    }

    [Fact]
    public void SetXsave_XstateBvZero_IgnoresGarbageX87()
    {
        var (vcpu, image) = Marked();
        Put64(image, 512, 0);
        image.AsSpan(0, 8).Fill(0xAB); // FCW, FSW, FTW, FOP
        Ok(vcpu.SetXsave(image));
        var back = vcpu.GetXsave().Value;
        Assert.Equal(0x037F, U16(back, 0));
        Assert.Equal(0, U16(back, 2));
        Assert.Equal(0u, U32(back, 4));
    }

    [Theory]
    [InlineData(3)] [InlineData(4)] [InlineData(8)] [InlineData(9)] [InlineData(10)] [InlineData(11)] [InlineData(12)]
    [InlineData(13)] [InlineData(14)] [InlineData(15)] [InlineData(16)] [InlineData(17)] [InlineData(18)] [InlineData(19)]
    [InlineData(20)] [InlineData(62)] [InlineData(63)]
    public void SetXsave_Einval_WhenXstateBvHasUnsupportedBit_StateUntouched(int bit)
    {
        var (vcpu, image) = Marked();
        var before = vcpu.GetXsave().Value;
        var bad = (byte[])image.Clone();
        Put64(bad, 512, 0xE7UL | (1UL << bit));
        Fails(Errno.EINVAL, vcpu.SetXsave(bad));
        Assert.Equal(before, vcpu.GetXsave().Value);
    }

    [Theory]
    [InlineData(0x8000000000000000UL)]
    [InlineData(0x80000000000000E7UL)]
    [InlineData(0xE7UL)]
    [InlineData(0x1UL)]
    public void SetXsave_Einval_WhenXcompBvNonZero(ulong xcompBv)
    {
        var (vcpu, image) = Marked();
        Put64(image, 520, xcompBv);
        Fails(Errno.EINVAL, vcpu.SetXsave(image));
    }

    [Fact]
    public void SetXsave_Einval_WhenAnyOfThe48ReservedHeaderBytesIsSet()
    {
        for (int at = 528; at < 576; at++)
        {
            var (vcpu, image) = Marked();
            image[at] = 1;
            Fails(Errno.EINVAL, vcpu.SetXsave(image));
        }
    }

    [Fact]
    public void SetXsave_IgnoresSwArea_AndReadsBackUserMaxFeatures()
    {
        var (vcpu, image) = Marked();
        image.AsSpan(416, 96).Fill(0x77);
        Ok(vcpu.SetXsave(image));
        var back = vcpu.GetXsave().Value;
        Assert.All(back.AsSpan(416, 48).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(0xE7UL, U64(back, 464));
        Assert.All(back.AsSpan(472, 40).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void SetXsave_IgnoresBytesBeyondTheLastComponent()
    {
        var (vcpu, image) = Marked();
        image.AsSpan(2432, 4096 - 2432).Fill(0x88);
        Ok(vcpu.SetXsave(image));
        Assert.All(vcpu.GetXsave().Value.AsSpan(2432).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(0x11F80u, 0xE7UL)]
    [InlineData(0x11F80u, 0x1UL)]
    [InlineData(0x11F80u, 0x2UL)]
    [InlineData(0x11F80u, 0x4UL)]
    [InlineData(0xFFFFFFFFu, 0xE7UL)]
    [InlineData(0xFFFFFFFFu, 0x1UL)]
    [InlineData(0xFFFFFFFFu, 0x2UL)]
    [InlineData(0xFFFFFFFFu, 0x4UL)]
    public void SetXsave_Einval_WhenMxcsrReserved_AndFpSseOrYmmPresent(uint mxcsr, ulong xstateBv)
    {
        var (vcpu, image) = Marked();
        Put32(image, 24, mxcsr);
        Put64(image, 512, xstateBv);
        Fails(Errno.EINVAL, vcpu.SetXsave(image));
    }

    [Theory]
    [InlineData(0x11F80u, 0x0UL)]
    [InlineData(0x11F80u, 0xE0UL)]
    [InlineData(0xFFFFFFFFu, 0x0UL)]
    [InlineData(0xFFFFFFFFu, 0xE0UL)]
    public void SetXsave_MxcsrNotValidated_WithoutFpSseYmm(uint mxcsr, ulong xstateBv)
    {
        var (vcpu, image) = Marked();
        Put32(image, 24, mxcsr);
        Put64(image, 512, xstateBv);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0x1F80u, U32(vcpu.GetXsave().Value, 24));
    }

    [Theory]
    [InlineData(0x21F80u, 0xE7UL, 0x21F80u)] // bit 17 (MM) is inside AMD's MXCSR_MASK 0x2ffff
    [InlineData(0x1FC0u, 0x2UL, 0x1FC0u)]
    [InlineData(0x1FBFu, 0x1UL, 0x1F80u)]     // stored, but GET reports MXCSR only with SSE|YMM
    public void SetXsave_Mxcsr_ReadsBackAsKo3g(uint mxcsr, ulong xstateBv, uint expected)
    {
        var (vcpu, image) = Marked();
        Put32(image, 24, mxcsr);
        Put64(image, 512, xstateBv);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(expected, U32(vcpu.GetXsave().Value, 24));
    }

    [Fact]
    public void SetXsave_MxcsrMaskField_IsCopiedVerbatim()
    {
        var (vcpu, image) = Marked();
        Put32(image, 28, 0);
        Ok(vcpu.SetXsave(image));
        Assert.Equal(0u, U32(vcpu.GetXsave().Value, 28));
    }

    [Fact]
    public void SetXsave_X87Only_ReadsBackAsWritten()
    {
        var (vcpu, image) = Marked();
        BitConverter.TryWriteBytes(image.AsSpan(0, 2), (ushort)0x27F);
        BitConverter.TryWriteBytes(image.AsSpan(2, 2), (ushort)0x3800);
        image[4] = 0x80;
        image.AsSpan(32 + 7 * 16, 10).Fill(0x3C); // st7
        Put64(image, 512, 0x1);
        Ok(vcpu.SetXsave(image));
        var back = vcpu.GetXsave().Value;
        Assert.Equal(0x27F, U16(back, 0));
        Assert.Equal(0x3800, U16(back, 2));
        Assert.Equal(0x80, back[4]);
        Assert.Equal(image.AsSpan(32 + 7 * 16, 10).ToArray(), back.AsSpan(32 + 7 * 16, 10).ToArray());
    }

    /// <summary>H11 / KO §3g asymmetry: SET validates against supported_xcr0, GET masks by guest_supported_xcr0|FPSSE.</summary>
    [Fact]
    public void GetXsave_MasksByGuestCpuid_WhileSetAcceptsSupportedXcr0_H11()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        var image = vcpu.GetXsave().Value;
        image.AsSpan(Xmm0, 16).Fill(0x11);
        image.AsSpan(Ymm0Hi, 16).Fill(0x22);
        image.AsSpan(Zmm16, 64).Fill(0x55);
        Put64(image, 512, 0xE7);

        // No SET_CPUID2, no SET_XCRS: SET accepts AVX/AVX-512 (VcpuXsave.CopyUabiToGuestFpstate checks supported_xcr0).
        Ok(vcpu.SetXsave(image));
        var hidden = vcpu.GetXsave().Value;
        Assert.Equal(0x3UL, U64(hidden, 512));
        Assert.Equal(0, hidden[Ymm0Hi]);
        Assert.Equal(0x11, hidden[Xmm0]);

        // The state was kept: after SET_CPUID2 the markers reappear.
        Ok(vcpu.SetCpuid2(SupportedCpuid(kvm, process)));
        var shown = vcpu.GetXsave().Value;
        Assert.Equal(0xE7UL, U64(shown, 512));
        Assert.Equal(0x22, shown[Ymm0Hi]);
        Assert.Equal(0x55, shown[Zmm16]);

        // GET does not depend on XCR0 (still 1 here).
        Assert.Equal(0x1UL, vcpu.Xcrs.Xcr0.Bits);
    }

    [Fact]
    public void AfterKvmRun_SetXcrsAndXsaveWork_ButDifferentCpuidIsRefused()
    {
        var (kvm, process, vcpu) = NewVcpu(Zen5Boot());
        var cpuid = SupportedCpuid(kvm, process);
        Ok(vcpu.SetCpuid2(cpuid));
        Ok(vcpu.Run());
        Ok(vcpu.SetXcrs(KvmXcrs.Of(new KvmXcr(0, 0xE7))));
        Ok(vcpu.SetXsave(vcpu.GetXsave().Value));

        // The table as GET_CPUID2 returns it is accepted again; anything else is -EINVAL (R78, KO §3d).
        Ok(vcpu.SetCpuid2(vcpu.GetCpuid2().Value));
        var different = cpuid.Take(cpuid.Count - 1).ToList();
        Fails(Errno.EINVAL, vcpu.SetCpuid2(different));
    }

    [Fact]
    public void SetXsave_Efault_WhenUserBufferShorterThanUabiSize()
    {
        var (_, _, vcpu) = NewVcpu(Zen5Boot());
        Fails(Errno.EFAULT, vcpu.SetXsave(new byte[4095]));
        Ok(vcpu.SetXsave(new byte[8192]));
    }
}
