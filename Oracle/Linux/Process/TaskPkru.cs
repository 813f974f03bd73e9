using Xsave.Contract;
using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Oracle.Linux.Process;

/// <summary>
/// R61a: a user task's PKRU over its life. execve: flush_thread → pkru_flush_thread → pkru_write_default
/// (arch/x86/kernel/process.c, arch/x86/mm/pkeys.c) loads init_pkru_value with OSPKE; fork/clone: copy_thread takes the
/// parent's live PKRU (read_pkru) and fpu_clone XSAVEs the parent's registers into the child's buffer
/// (arch/x86/kernel/fpu/core.c). thread.pkru follows the register at the next switch.
/// </summary>
public static class TaskPkru
{
    /// <summary>The PKRU register after execve: init_pkru_value with OSPKE; without OSPKE there is no PKRU (0).</summary>
    public static uint AfterExec(BootResult boot) => boot.Caps.Has(CpuCap.Ospke) ? SigReturn.InitPkruValue : 0;

    /// <summary>
    /// save_fpregs_to_fpstate while the PKRU register holds <paramref name="value"/> (R60: RFBM = fpstate.xfeatures):
    /// the PKRU bytes are written, and XSTATE_BV[PKRU] = 1 exactly when the value is not PKRU's init value 0 (R61a).
    /// </summary>
    public static void Save(BootResult boot, Fpstate fps, uint value)
    {
        const int pkru = (int)XFeature.Pkru;
        if (!boot.XsaveEnabled || !fps.Xfeatures.Contains(pkru)) return;
        if (XsaveAddress.Raw(boot, fps, pkru) is not int at || at + 4 > fps.Regs.Length) return;
        BitConverter.TryWriteBytes(fps.Regs.AsSpan(at, 4), value);
        var bv = new FeatureMask(fps.XstateBv);
        fps.XstateBv = (value != 0 ? bv.With(pkru) : bv.Without(pkru)).Bits;
    }
}
