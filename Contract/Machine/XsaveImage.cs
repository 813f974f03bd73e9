using System.Buffers.Binary;

namespace Xsave.Contract.Machine;

/// <summary>
/// Where the fixed fields of an XSAVE image are (SDM Vol. 1 13.4; SPEC R12, R13): the legacy region's FCW, MXCSR and
/// MXCSR_MASK, and the 64-byte header with XSTATE_BV, XCOMP_BV and the reserved bytes that must be zero. The one
/// place outside the implementations' own tables that spells these offsets.
/// </summary>
public static class XsaveImage
{
    public const int FcwOffset = 0;
    public const int MxcsrOffset = 24;
    public const int MxcsrMaskOffset = 28;
    /// <summary>The x87 registers ST0-ST7 start here in the legacy region (R12).</summary>
    public const int X87RegistersOffset = 32;
    /// <summary>XMM0-XMM15 start here in the legacy region (R12).</summary>
    public const int XmmRegistersOffset = 160;
    public const int XstateBvOffset = XFeatures.HeaderOffset;
    public const int XcompBvOffset = XFeatures.HeaderOffset + 8;
    public const int ReservedOffset = XFeatures.HeaderOffset + 16;
    public const int ReservedSize = XFeatures.HeaderSize - 16;
    /// <summary>Legacy region + header: the least an image needs to have a header at all.</summary>
    public const int MinimumSize = XFeatures.ExtendedRegionStart;

    public static Header Read(ReadOnlySpan<byte> image) => new(image);

    public static Writer Write(Span<byte> image) => new(image);

    /// <summary>A read-only view of an image's fixed fields; fields beyond the image's end read as absent (null).</summary>
    public readonly ref struct Header(ReadOnlySpan<byte> image)
    {
        private readonly ReadOnlySpan<byte> _image = image;

        public int Length => _image.Length;
        public bool HasHeader => _image.Length >= MinimumSize;
        public ushort? Fcw => _image.Length >= FcwOffset + 2 ? BinaryPrimitives.ReadUInt16LittleEndian(_image[FcwOffset..]) : null;
        public uint? Mxcsr => _image.Length >= MxcsrOffset + 4 ? BinaryPrimitives.ReadUInt32LittleEndian(_image[MxcsrOffset..]) : null;
        public uint? MxcsrMask => _image.Length >= MxcsrMaskOffset + 4 ? BinaryPrimitives.ReadUInt32LittleEndian(_image[MxcsrMaskOffset..]) : null;
        public ulong? XstateBv => HasHeader ? BinaryPrimitives.ReadUInt64LittleEndian(_image[XstateBvOffset..]) : null;
        public ulong? XcompBv => HasHeader ? BinaryPrimitives.ReadUInt64LittleEndian(_image[XcompBvOffset..]) : null;
        /// <summary>R21: header bytes 16..63 must be zero for XRSTOR to accept the image.</summary>
        public bool? ReservedIsZero => HasHeader ? _image.Slice(ReservedOffset, ReservedSize).IndexOfAnyExcept((byte)0) < 0 : null;
    }

    /// <summary>Writes the fixed fields of an image (callers make sure it is at least <see cref="MinimumSize"/> long).</summary>
    public readonly ref struct Writer(Span<byte> image)
    {
        private readonly Span<byte> _image = image;

        public Writer Fcw(ushort value) { BinaryPrimitives.WriteUInt16LittleEndian(_image[FcwOffset..], value); return this; }
        public Writer Mxcsr(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(_image[MxcsrOffset..], value); return this; }
        public Writer MxcsrMask(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(_image[MxcsrMaskOffset..], value); return this; }
        public Writer XstateBv(ulong value) { BinaryPrimitives.WriteUInt64LittleEndian(_image[XstateBvOffset..], value); return this; }
        public Writer XcompBv(ulong value) { BinaryPrimitives.WriteUInt64LittleEndian(_image[XcompBvOffset..], value); return this; }
        public Writer ReservedByte(int index, byte value) { _image[ReservedOffset + index] = value; return this; }
    }
}
