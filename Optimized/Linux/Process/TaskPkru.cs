using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Process;

/// <summary>
/// R61a, thread.pkru over a task's life: pkru_write_default at execve (process.c flush_thread → pkru_flush_thread,
/// mm/pkeys.c init_pkru_value), the parent's live value at clone (copy_thread read_pkru, fpu_clone's XSAVE).
/// </summary>
internal static class TaskPkru
{
    /// <summary>init_pkru_value: access disabled for every key but 0 (mm/pkeys.c).</summary>
    private const uint InitPkruValue = 0x5555_5554;

    private const ulong PkruBit = 1UL << Xfeatures.Pkru;

    /// <summary>The PKRU register after execve: the default with OSPKE, else 0.</summary>
    public static uint AfterExec(BootTables b) => b.Has(CpuCaps.Ospke) ? InitPkruValue : 0;

    /// <summary>The task's buffer as XSAVE leaves it with PKRU = <paramref name="value"/>: the bytes at PKRU's
    /// location, and the XSTATE_BV bit set unless the value is PKRU's init value 0.</summary>
    public static void Save(BootTables b, Fpstate fps, uint value)
    {
        if (!b.XsaveEnabled || (fps.Xfeatures & PkruBit) == 0) return;
        int at = FpstateOps.RawAddr(b, fps, Xfeatures.Pkru);
        if (at < 0 || at + 4 > fps.Regs.Length) return;
        BinaryPrimitives.WriteUInt32LittleEndian(fps.Regs.AsSpan(at, 4), value);
        fps.XstateBv = value != 0 ? fps.XstateBv | PkruBit : fps.XstateBv & ~PkruBit;
    }

    /// <summary>A thread started by execve, its thread.pkru and buffer set as R61a says.</summary>
    public static TaskThread Exec(BootTables b, Fpstate fps)
    {
        uint value = AfterExec(b);
        Save(b, fps, value);
        return new TaskThread(fps) { Pkru = value };
    }

    /// <summary>WRPKRU on a host thread: thread.pkru, and its buffer as the next switch saves it.</summary>
    public static void Write(BootTables b, TaskThread thread, uint value)
    {
        thread.Pkru = value;
        Save(b, thread.Own, value);
    }

    /// <summary>A clone's buffer carries the parent's live PKRU (fpu_clone XSAVEs the parent's registers).</summary>
    public static Fpstate Cloned(BootTables b, Fpstate fps, uint parentPkru)
    {
        Save(b, fps, parentPkru);
        return fps;
    }
}
