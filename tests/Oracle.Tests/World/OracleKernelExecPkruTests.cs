using System.Buffers.Binary;
using Xsave.Oracle.Linux.World;

namespace Xsave.Oracle.Tests.World;

/// <summary>
/// R61a through ptrace: execve loads init_pkru_value 0x55555554 with OSPKE (process.c flush_thread →
/// pkru_flush_thread, mm/pkeys.c), fork/clone children start with the parent's live PKRU (copy_thread, fpu_clone).
/// SPR: PKRU at standard offset 0xa80 = 2688, user regset 11008 bytes.
/// </summary>
public class OracleKernelExecPkruTests
{
    private const int PkruOffset = 2688, RegsetSize = 11008;
    private const ulong PkruBit = 1UL << 9;

    private static OracleKernel Spr(bool protectionKeys = true) =>
        new(Corpus.Cpu("intel-sapphirerapids-806f8"), KernelConfig.Default with { ProtectionKeys = protectionKeys });

    private static (ulong XstateBv, uint Pkru) Regset(OracleKernel k, int pid, int tid)
    {
        var data = k.Apply(new PtraceGetXstateOp(pid, tid, RegsetSize)).Data!;
        return (BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(512)), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(PkruOffset)));
    }

    [Fact]
    public void Exec_LoadsInitPkruValue_AndTheSavedStateShowsIt_R61a()
    {
        var k = Spr();
        Assert.Equal(0, k.Apply(new ExecOp(1)).Result);
        var (bv, pkru) = Regset(k, 1, 0);
        Assert.Equal(0x55555554u, pkru);
        Assert.Equal(PkruBit, bv & PkruBit);
    }

    [Fact]
    public void ForkAndClone_StartWithTheParentsPkru_R61a()
    {
        var k = Spr();
        k.Apply(new ExecOp(1));
        Assert.Equal(2, k.Apply(new ForkOp(1)).Created);
        Assert.Equal((PkruBit, 0x55555554u), (Regset(k, 2, 0).XstateBv & PkruBit, Regset(k, 2, 0).Pkru));
        Assert.Equal(1, k.Apply(new SpawnThreadOp(1)).Created);
        Assert.Equal(0x55555554u, Regset(k, 1, 1).Pkru);
    }

    [Fact]
    public void WithoutOspke_ExecLeavesNoPkru_R61a()
    {
        var k = Spr(protectionKeys: false);
        k.Apply(new ExecOp(1));
        Assert.Equal(0UL, Regset(k, 1, 0).XstateBv & PkruBit);
    }
}
