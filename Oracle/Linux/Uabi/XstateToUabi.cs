using Xsave.Contract;
using Xsave.Oracle.Architecture;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// R70 __copy_xstate_to_uabi_buf: a kernel fpstate buffer written out as a standard-format UABI image of
/// <c>length</c> bytes, front to back; whatever does not fit is cut, whatever is left over is zeroed. Values of x87
/// and MXCSR for features not reported come from init_fpstate (FCW 0x37F, MXCSR 0x1F80, the CPU's MXCSR_MASK).
/// Extended components not reported read as zero, which is their init state (R17).
/// </summary>
public static class XstateToUabi
{
    private const int MxcsrAndMaskSize = 8;
    private const int StSpaceSize = 128;
    private const int XmmSpaceSize = 256;
    private const int PaddingSize = 48; // bytes 416..463

    public static byte[] Copy(BootResult boot, Fpstate fps, FeatureMask xfeatures, uint pkruVal, CopyMode mode, int length)
    {
        var cpu = boot.Cpu;
        var xsave = fps.Regs;
        var xinit = boot.InitFpstate.Regs;
        var to = new MemBuf(length);

        // R70: the reported XSTATE_BV is the kernel's, masked by the copy mode; XCOMP_BV and reserved are zero.
        var kernelBv = new FeatureMask(fps.XstateBv);
        var hdr = mode switch
        {
            CopyMode.Fp => kernelBv & FeatureMask.Of(XFeature.Fp),
            CopyMode.Fx => kernelBv & XfeatureMasks.FpSse,
            _ => kernelBv & fps.UserXfeatures & xfeatures,
        };

        // R70: FP state up to MXCSR (bytes 0..23), from the buffer if FP is reported, else from init_fpstate.
        CopyFeature(hdr.Contains(XFeature.Fp), to, xsave, xinit, 0, LegacyRegion.Mxcsr);

        // R70: MXCSR and MXCSR_MASK when SSE or YMM is reported.
        bool mxcsrReported = hdr.Contains(XFeature.Sse) || hdr.Contains(XFeature.Ymm);
        CopyFeature(mxcsrReported, to, xsave, xinit, LegacyRegion.Mxcsr, MxcsrAndMaskSize);

        // R70: the x87 registers, then the XMM registers (SSE is managed independently of YMM).
        CopyFeature(hdr.Contains(XFeature.Fp), to, xsave, xinit, LegacyRegion.StRegisters, StSpaceSize);
        CopyFeature(hdr.Contains(XFeature.Sse), to, xsave, xinit, LegacyRegion.XmmRegisters, XmmSpaceSize);

        if (mode == CopyMode.Xsave)
        {
            // R70: padding 416..463 is zeroed; sw_reserved 464..511 carries xstate_fx_sw_bytes.
            to.Zero(PaddingSize);
            to.Write(XstateFxSwBytes.For(boot.User.MaxFeatures));

            // R70: the header as computed above.
            var header = new byte[XFeatures.HeaderSize];
            BitConverter.TryWriteBytes(header.AsSpan(0, 8), hdr.Bits);
            to.Write(header);

            // R70, H16: extended features in ascending *standard* offset; every gap before one is zeroed.
            int zeroFrom = XFeatures.ExtendedRegionStart;
            foreach (int i in UabiLayout.ExtendedInOffsetOrder(cpu, hdr))
            {
                int offset = UabiLayout.Offset(cpu, i);
                int size = UabiLayout.Size(cpu, i);
                if (zeroFrom < offset) to.Zero(offset - zeroFrom);

                if (i == (int)XFeature.Pkru)
                {
                    // R70: PKRU is not necessarily current in the buffer: write the given value as struct pkru_state.
                    var pkru = new byte[8];
                    BitConverter.TryWriteBytes(pkru.AsSpan(0, 4), pkruVal);
                    to.Write(pkru);
                }
                else
                {
                    // A reported feature is always in the buffer (hdr is within user_xfeatures, R68/I7); were it not,
                    // the kernel would WARN and read NULL: modelled as zeros rather than a crash.
                    int? at = XsaveAddress.Raw(boot, fps, i);
                    if (at is null) to.Zero(size);
                    else to.Write(xsave.AsSpan(at.Value, size));
                }
                zeroFrom = offset + size;
            }
        }

        // R70: everything after the last written byte is zero.
        to.Zero(to.Left);
        return to.ToArray();
    }

    /// <summary>copy_feature: the bytes come from the task's buffer when the feature is reported, else from init_fpstate.</summary>
    private static void CopyFeature(bool fromXstate, MemBuf to, byte[] xsave, byte[] xinit, int offset, int size) =>
        to.Write((fromXstate ? xsave : xinit).AsSpan(offset, size));
}
