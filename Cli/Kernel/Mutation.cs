using System.Buffers.Binary;
using System.Globalization;

namespace Xsave.Cli.Kernel;

/// <summary>
/// A change to an XSAVE-format image, written in the probe's mutation language ("bv=0x3,u8=528:1"; keys bv, bvor,
/// bvclr, xcomp, mxcsr, u8/u32/u64=OFFSET:VALUE, fill=OFFSET:BYTE; native/kernel-probe/output.c apply_mutation). The
/// runner applies the same text to the oracle's image, so the probe and the oracle see the same change.
/// </summary>
public static class Mutation
{
    public const string None = "none";

    public static byte[] Apply(ReadOnlySpan<byte> image, string spec)
    {
        var buf = image.ToArray();
        if (spec == None) return buf;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2) continue;
            var (k, v) = (kv[0], kv[1]);
            switch (k)
            {
                case "bv": Put(buf, 512, Num(v), 8); break;
                case "bvor": Put(buf, 512, Read(buf, 512) | Num(v), 8); break;
                case "bvclr": Put(buf, 512, Read(buf, 512) & ~Num(v), 8); break;
                case "xcomp": Put(buf, 520, Num(v), 8); break;
                case "mxcsr": Put(buf, 24, Num(v), 4); break;
                case "u8": Pair(v, (o, x) => Put(buf, o, x, 1)); break;
                case "u32": Pair(v, (o, x) => Put(buf, o, x, 4)); break;
                case "u64": Pair(v, (o, x) => Put(buf, o, x, 8)); break;
                case "fill": Pair(v, (o, x) => { if (o < buf.Length) buf.AsSpan(o).Fill((byte)x); }); break;
                default: throw new ArgumentException($"mutation '{spec}': unknown key '{k}'", nameof(spec));
            }
        }
        return buf;
    }

    public static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    private static ulong Read(byte[] buf, int off) => off + 8 <= buf.Length ? BinaryPrimitives.ReadUInt64LittleEndian(buf.AsSpan(off)) : 0;

    private static void Put(byte[] buf, int off, ulong value, int size)
    {
        if (off < 0 || off + size > buf.Length) return;
        for (int i = 0; i < size; i++) buf[off + i] = (byte)(value >> (8 * i));
    }

    private static void Pair(string v, Action<int, ulong> f)
    {
        var p = v.Split(':');
        f((int)Num(p[0]), Num(p[1]));
    }

    private static ulong Num(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(s, CultureInfo.InvariantCulture);
}
