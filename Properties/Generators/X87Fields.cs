namespace Xsave.Properties.Generators;

/// <summary>
/// The x87 part of the legacy region (bytes 0..159, R12) as a real CPU holds it: only the register fields. Measured on
/// AMD family 19h (docs/findings.md F1): reserved bytes (5, and 10..15 of every ST slot) read back as 0; FCW bit 6
/// reads 1 and bits 7, 13..15 read 0; FSW bits 7 (ES) and 15 (B) are derived from the exception flags and masks;
/// FOP, FIP and FDP (6..23) are saved only while an x87 exception is pending. A fixed machine that declares
/// <c>X87RegisterFieldsOnly</c> is given images in this form: every exception masked (so none is pending), FCW bit 12
/// clear (reserved on current CPUs), the rest of FCW, FSW, the abridged FTW and the 80-bit ST values as generated.
/// </summary>
public static class X87Fields
{
    private const int StSlots = 32, StSlotSize = 16, StValueSize = 10;

    /// <summary>Rewrites <paramref name="image"/> (at least 160 bytes from the start of the legacy region) in place.</summary>
    public static void Canonicalize(Span<byte> image)
    {
        ushort fcw = (ushort)(image[0] | image[1] << 8);
        fcw = (ushort)((fcw & 0x0F00) | 0x007F);          // masks 0..5 set, bit 6 reads 1; PC and RC kept
        image[0] = (byte)fcw;
        image[1] = (byte)(fcw >> 8);
        image[2] &= 0x7F;                                  // FSW.ES: no unmasked exception
        image[3] &= 0x7F;                                  // FSW.B follows ES
        image[5] = 0;                                      // reserved
        image[6..24].Clear();                              // FOP, FIP, FDP
        for (int slot = StSlots; slot < StSlots + 8 * StSlotSize; slot += StSlotSize)
            image.Slice(slot + StValueSize, StSlotSize - StValueSize).Clear();
    }

    public static byte[] Canonical(byte[] image)
    {
        var copy = (byte[])image.Clone();
        Canonicalize(copy);
        return copy;
    }
}
