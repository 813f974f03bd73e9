using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Xsave.Gate.Selection;

/// <summary>
/// The seed of one round of one property: the first 8 bytes of SHA-256("runSeed/property/round"). It depends only on
/// those three, not on which other properties run or in which shard, and is the same on every machine and .NET
/// version (string.GetHashCode is neither).
/// </summary>
public static class SeedDerivation
{
    public static ulong For(ulong runSeed, string property, int round)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{runSeed}/{property}/{round}"));
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}
