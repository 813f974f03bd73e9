using Xsave.Oracle.Linux.Fpu;
using Xsave.Oracle.Linux.Uabi;

namespace Xsave.Oracle.Linux.Process;

/// <summary>How a signal delivery ended for the FPU: the frame written, or an alternate stack too small for it.</summary>
public sealed record SignalDeliveryResult(byte[]? Frame)
{
    public bool Overflowed => Frame is null;
}

/// <summary>
/// The FPU side of delivering a signal to a 64-bit task and of returning from its handler (R72): arch/x86/kernel/
/// signal.c get_sigframe and handle_signal, fpu/signal.c copy_fpstate_to_sigframe and fpu__restore_sig. The frame lives
/// on the thread's stack (<see cref="LinuxThread.StackFrame"/>) between the two.
/// </summary>
public static class SignalDelivery
{
    /// <summary>
    /// get_sigframe: on the alternate stack a frame that would overflow it is refused before anything is written
    /// (the caller force_sigsegv's); sig_prepare_pkru then copy_fpstate_to_sigframe with the task's own PKRU;
    /// handle_signal → fpu__clear_user_states: the handler starts from init states and init_pkru_value.
    /// </summary>
    public static SignalDeliveryResult Deliver(BootResult boot, LinuxThread thread, bool onAltstack)
    {
        var fps = thread.Fpu.OwnFpstate;
        if (onAltstack && thread.SigaltstackSize != 0 && !SignalFrames.FitsAltstack(boot, fps, thread.SigaltstackSize))
            return new SignalDeliveryResult(null);

        var frame = SignalFrame.Setup(boot, fps, thread.Pkru.Value);
        thread.StackFrame = frame;
        SigReturn.ClearUserStates(boot, fps, thread.Pkru);
        return new SignalDeliveryResult((byte[])frame.Clone());
    }

    /// <summary>
    /// rt_sigreturn → restore_sigcontext → fpu__restore_sig with the frame in user memory: <paramref name="frame"/>,
    /// or the one on the thread's stack when empty; the handler's edit (<paramref name="xorAt"/>, <paramref name="xor"/>)
    /// is applied to it first and stays in memory.
    /// </summary>
    public static SigreturnResult Return(BootResult boot, LinuxThread thread, byte[] frame, int xorAt, ulong xor)
    {
        bool fromStack = frame.Length == 0;
        var memory = (byte[])(fromStack ? thread.StackFrame : frame).Clone();
        Edit(memory, xorAt, xor);
        if (fromStack) thread.StackFrame = memory;
        return SigReturn.Restore(boot, thread.Fpu.OwnFpstate, thread.Pkru, memory);
    }

    /// <summary>XOR of the 8 little-endian bytes at <paramref name="at"/>, cut at the frame's end.</summary>
    private static void Edit(byte[] memory, int at, ulong xor)
    {
        if (at < 0) return;
        for (int k = 0; k < 8 && at + k < memory.Length; k++) memory[at + k] ^= (byte)(xor >> (8 * k));
    }
}
