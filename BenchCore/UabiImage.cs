using Xsave.Contract.Machine;
using Xsave.Contract;

namespace Xsave.BenchCore;

/// <summary>
/// Edits a standard-format (uABI) XSAVE image in place: the header fields (SPEC R13, <see cref="XsaveImage"/>) and
/// component contents (R12/R14: x87 registers, XMM, component i at CPUID.(0xD,i).EBX).
/// </summary>
public static class UabiImage
{
    public const int XstateBvOffset = XsaveImage.XstateBvOffset;
    public const int XcompBvOffset = XsaveImage.XcompBvOffset;

    private const int StRegistersOffset = XsaveImage.X87RegistersOffset, StRegistersSize = 128;
    private const int XmmOffset = XsaveImage.XmmRegistersOffset, XmmSize = 256;

    public static FeatureMask XstateBv(byte[] image) => new(BitConverter.ToUInt64(image, XstateBvOffset));

    public static void SetXstateBv(byte[] image, FeatureMask value) =>
        BitConverter.TryWriteBytes(image.AsSpan(XstateBvOffset, 8), value.Bits);

    public static void SetXcompBv(byte[] image, FeatureMask value) =>
        BitConverter.TryWriteBytes(image.AsSpan(XcompBvOffset, 8), value.Bits);

    /// <summary>
    /// Writes a recognizable non-zero pattern into the registers of every component in <paramref name="components"/>
    /// (x87 ST space, XMM, and each extended component at its standard offset) and sets XSTATE_BV to them, so a write
    /// of the image copies real data. The control words (FCW, MXCSR) are left as they are.
    /// </summary>
    public static void FillComponents(byte[] image, CpuModel cpu, FeatureMask components)
    {
        foreach (int i in components.Indices())
        {
            var (offset, size) = i switch
            {
                0 => (StRegistersOffset, StRegistersSize),
                1 => (XmmOffset, XmmSize),
                _ => (cpu.StandardOffset(i), cpu.ComponentSize(i)),
            };
            for (int b = 0; b < size; b++) image[offset + b] = (byte)(0x11 * (i + 1) + b);
        }
        SetXstateBv(image, components);
    }

    /// <summary>The components of <paramref name="wanted"/> the CPU enumerates that lie wholly inside <paramref name="imageSize"/> bytes.</summary>
    public static FeatureMask Fitting(CpuModel cpu, FeatureMask wanted, int imageSize)
    {
        var result = FeatureMask.None;
        foreach (int i in (wanted & cpu.SupportedXcr0).Indices())
            if (i < 2 || cpu.StandardOffset(i) + cpu.ComponentSize(i) <= imageSize) result = result.With(i);
        return result;
    }
}
