using Xsave.Contract;

namespace Xsave.Oracle.Architecture;

/// <summary>The init configuration of a state component (R17): the bytes a component in init state holds.</summary>
public static class InitConfiguration
{
    /// <summary>
    /// R17 init configuration: x87 FCW = 0x037F and all else zero (FSW, abridged FTW = 0 i.e. all empty, FOP, FIP, FDP,
    /// ST0-7); SSE XMM zero (MXCSR is handled separately); every other component all zeros.
    /// </summary>
    public static byte[] Image(int index, int size)
    {
        var bytes = new byte[size];
        if (index == (int)XFeature.Fp)
        {
            bytes[LegacyRegion.Fcw] = LegacyRegion.InitFcw & 0xFF;
            bytes[LegacyRegion.Fcw + 1] = LegacyRegion.InitFcw >> 8;
        }
        return bytes;
    }
}
