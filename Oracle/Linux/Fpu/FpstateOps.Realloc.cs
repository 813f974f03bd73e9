using Xsave.Contract;
using Xsave.Contract.Linux;
using Xsave.Oracle.Linux.Process;

namespace Xsave.Oracle.Linux.Fpu;

public static partial class FpstateOps
{
    /// <summary>
    /// fpstate_realloc (R57), run by thread <paramref name="threadId"/> of <paramref name="process"/> ("current"):
    /// a new zeroed buffer of <paramref name="ksize"/> bytes replaces the host fpstate of that thread, or the guest
    /// fpstate of <paramref name="guest"/>. new.xfeatures = cur.xfeatures | x, new.user_xfeatures =
    /// cur.user_xfeatures | x, new.xfd = cur.xfd &amp; ~x, header per R52; a guest container's xfeatures gains x and
    /// its uabi_size becomes <paramref name="usize"/>. The old buffer's bytes are never copied: if the old fpstate
    /// was the thread's active one, its state is in the registers and is saved into the new buffer at the next save
    /// (modelled by <see cref="FpstateCopy.SaveInto"/>); an inactive guest fpstate loses its saved state (as coded).
    /// Returns -ENOMEM when the allocation fails, with nothing changed.
    /// </summary>
    public static KResult Realloc(BootResult boot, LinuxProcess process, int threadId, FeatureMask xfeatures,
        uint ksize, uint usize, FpuGuest? guest)
    {
        if (process.FailAllocations) return Errno.ENOMEM;

        var fpu = process.Thread(threadId).Fpu;
        var newfps = new Fpstate { Size = ksize, UserSize = usize, IsValloc = true, Regs = new byte[ksize] };

        // The guest fpstate is the reference whether or not it is in use.
        var curfps = guest?.Fpstate ?? fpu.Fpstate;
        bool inUse = ReferenceEquals(fpu.Fpstate, curfps);

        if (guest is not null)
        {
            newfps.IsGuest = true;
            newfps.IsConfidential = curfps.IsConfidential;
            newfps.InUse = curfps.InUse;
            guest.Xfeatures |= xfeatures;
            guest.UabiSize = usize;
        }

        newfps.Xfeatures = curfps.Xfeatures | xfeatures;
        newfps.UserXfeatures = curfps.UserXfeatures | xfeatures;
        newfps.Xfd = curfps.Xfd.Except(xfeatures);
        InitXcompBv(boot, newfps, newfps.Xfeatures);

        // The active context's registers survive the swap (they are re-saved into the new buffer).
        if (inUse) FpstateCopy.SaveInto(boot, curfps, newfps);

        if (guest is not null)
        {
            guest.Fpstate = newfps;
            if (inUse) fpu.Fpstate = newfps;
        }
        else
        {
            fpu.Fpstate = newfps;
        }
        // The old buffer is freed if it was vmalloc'ed; nothing refers to it any more in the model.
        return KResult.Ok;
    }
}
