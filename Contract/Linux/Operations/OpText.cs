using Xsave.Contract.Machine;

namespace Xsave.Contract.Linux.Operations;

/// <summary>One-line descriptions of operations, for counterexamples and reports people read.</summary>
public static class OpText
{
    public static string Describe(KernelOp op) => KernelOps.For(op).Text(op);

    public static string Describe(GuestEvent e) => GuestEvents.For(e).Text(e);

    /// <summary>An XSAVE image in brief: its length and the header fields that decide its fate.</summary>
    public static string Image(byte[] b)
    {
        var h = XsaveImage.Read(b);
        if (!h.HasHeader) return $"{b.Length} bytes";
        return $"{b.Length} bytes, XSTATE_BV=0x{h.XstateBv:x}, XCOMP_BV=0x{h.XcompBv:x}, MXCSR=0x{h.Mxcsr:x}" +
               (h.ReservedIsZero == true ? "" : ", reserved!=0");
    }

    public static string ArchPrctlOption(int option) => Uapi.ArchPrctl.Options.NameOf(option) ?? $"0x{option:x}";

    public static string Hex(ulong value) => $"0x{value:x}";
}
