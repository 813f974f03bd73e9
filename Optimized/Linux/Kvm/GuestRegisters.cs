using System.Buffers.Binary;
using Xsave.Optimized.Linux.Fpu;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>How a guest register write ended (write_reg).</summary>
internal enum GuestWriteResult : byte { Done, Ud, Nm }

/// <summary>
/// A guest instruction that leaves a value in a register while the guest FPU is loaded. The loaded guest fpstate is
/// the register file in this model: the bytes go into it and XINUSE[i] becomes 1 (XSTATE_BV[i] at the next save).
/// VEX/EVEX/AMX encodings need the component in the guest XCR0 (#UD otherwise, SDM); x87 and legacy SSE do not. An
/// XFD-armed component faults #NM with IA32_XFD_ERR := XFD &amp; the component (vmx_handle_nm_fault_irqoff keeps it in
/// guest_fpu.xfd_err and the #NM goes to the guest).
/// </summary>
internal static class GuestRegisters
{
    public static GuestWriteResult Write(Vcpu vcpu, int component, int offset, ulong value)
    {
        ulong bit = 1UL << component;
        if (component > Xfeatures.Sse && (vcpu.Xcrs.Xcr0 & bit) == 0) return GuestWriteResult.Ud;
        var fps = vcpu.Fpu.Fpstate;
        if ((fps.Xfd & bit) != 0)
        {
            vcpu.Fpu.GuestFpu.XfdErr = fps.Xfd & bit;
            return GuestWriteResult.Nm;
        }

        var b = vcpu.Boot;
        // Outside the host's save mask (clearcpuid= can leave SSE out of it): executed, never saved, so nothing to keep
        // (os_xsave in save_fpregs_to_fpstate saves fpstate->xfeatures only).
        if (b.XsaveEnabled && (fps.Xfeatures & bit) == 0) return GuestWriteResult.Done;
        int baseAt = component == Xfeatures.Fp ? 0 : component == Xfeatures.Sse ? Xfeatures.XmmSpaceOffset : FpstateOps.RawAddr(b, fps, component);
        if (baseAt < 0) throw new InvalidOperationException($"XCR0 enables component {component} but the guest fpstate has no room for it");
        // The register file: ST0-7 for x87, XMM0-15 for SSE, the whole area for the rest.
        int at = component == Xfeatures.Fp ? Xfeatures.StSpaceOffset : baseAt;
        int len = component switch { Xfeatures.Fp => 128, Xfeatures.Sse => 256, _ => (int)b.Tables.Size(component) };
        var regs = fps.Regs.AsSpan();
        if (b.XsaveEnabled && (fps.XstateBv & bit) == 0)
        {
            regs.Slice(at, len).Clear(); // init configuration: zero ...
            if (component == Xfeatures.Fp)
            {
                regs[..Xfeatures.MxcsrOffset].Clear(); // ... and x87's control words: FCW 0x37F, the rest 0
                BinaryPrimitives.WriteUInt16LittleEndian(regs, Xfeatures.InitFcw);
            }
            fps.XstateBv |= bit;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(regs[(at + (offset & ~7) % len)..], value);
        return GuestWriteResult.Done;
    }
}
