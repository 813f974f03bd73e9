namespace Xsave.Contract.Linux;

/// <summary>
/// <see cref="FpStateSnapshot.HashOf"/>, remembered: a kernel is snapshotted after every step, and most steps leave
/// most buffers as they were (or equal to the init image), so the same few buffers are hashed again and again. A buffer
/// is found by comparing its bytes (far cheaper than SHA-256), in a small per-thread table of the last ones hashed.
/// </summary>
internal static class RegsHashes
{
    private const int Remembered = 16;

    [ThreadStatic] private static (byte[] Bytes, string Hash)[]? _recent;
    [ThreadStatic] private static int _next;

    public static string Of(ReadOnlySpan<byte> regs)
    {
        var recent = _recent ??= new (byte[], string)[Remembered];
        foreach (var (bytes, hash) in recent)
            if (bytes is not null && regs.SequenceEqual(bytes)) return hash;
        var computed = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(regs))[..16];
        recent[_next] = (regs.ToArray(), computed);
        _next = (_next + 1) % Remembered;
        return computed;
    }
}
