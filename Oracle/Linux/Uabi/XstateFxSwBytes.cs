using Xsave.Contract;

namespace Xsave.Oracle.Linux.Uabi;

/// <summary>
/// xstate_fx_sw_bytes: the 48 bytes the kernel writes at 464..511 ("sw_reserved") of every XSAVE-mode UABI image
/// (ptrace NT_X86_XSTATE, KVM_GET_XSAVE*). Word 0 (USER_XSTATE_XCR0_WORD) is fpu_user_cfg.max_features, the rest is
/// zero. R70 marks the layout UNVERIFIED; this is the observed layout (KO §3c, §6b: bytes 464..471 = 0xe7 = the
/// host's user.max_features, 472..511 = 0). Signal frames use a different structure (<see cref="FpxSwBytes"/>).
/// </summary>
public static class XstateFxSwBytes
{
    public const int Size = 48;

    public static byte[] For(FeatureMask userMaxFeatures)
    {
        var bytes = new byte[Size];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), userMaxFeatures.Bits);
        return bytes;
    }
}
