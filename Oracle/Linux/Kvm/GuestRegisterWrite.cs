using Xsave.Contract;
using Xsave.Contract.Machine;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Kvm;

/// <summary>What the guest sees after it wrote a register (write_reg): done, #UD or #NM.</summary>
public enum GuestWriteOutcome { Completed, InjectedUd, InjectedNm }

/// <summary>
/// The guest writes register contents while its FPU is loaded (inside KVM_RUN, R86). In this model the loaded guest
/// fpstate's buffer is the register file, so the write lands in the buffer, and the component is in use from then on
/// (the next XSAVES sets XSTATE_BV[i], SDM Vol.1 13.6). Checks, in the SDM's order for VEX/EVEX/AMX instructions: the
/// component must be enabled in the guest's XCR0 (else #UD; legacy x87/SSE instructions do not consult XCR0), and not
/// disabled by the guest's IA32_XFD (else #NM with IA32_XFD_ERR loaded with XFD ∩ the component, which KVM saves into
/// guest_fpu.xfd_err in vmx_handle_nm_fault_irqoff and reflects to the guest; R11, R27).
/// </summary>
public static class GuestRegisterWrite
{
    /// <summary>Bytes 32..159 of the legacy region: ST0-ST7 (FXSAVE layout, R12).</summary>
    private const int StSpace = 32, StSpaceSize = 128, XmmSpaceSize = 256;

    public static GuestWriteOutcome Apply(Vcpu vcpu, int component, int offset, ulong value)
    {
        bool legacy = component is (int)XFeature.Fp or (int)XFeature.Sse;
        if (!legacy && !vcpu.Xcrs.Xcr0.Contains(component)) return GuestWriteOutcome.InjectedUd;

        var fps = vcpu.Fpu.Fpstate;
        if (fps.Xfd.Contains(component))
        {
            vcpu.Fpu.GuestFpu.XfdErr = (fps.Xfd & FeatureMask.None.With(component)).Bits;
            return GuestWriteOutcome.InjectedNm;
        }

        // A register the host's save does not cover (its XSAVE mask lacks it, e.g. clearcpuid=sse on a CPU without
        // AVX: R33-R38) is not kept: the guest executes the write, the put saves without it, nothing reaches the buffer
        // (fpu_swap_kvm_fpstate → save_fpregs_to_fpstate → os_xsave: the mask is fpstate->xfeatures).
        if (vcpu.Boot.XsaveEnabled && !fps.Xfeatures.Contains(component)) return GuestWriteOutcome.Completed;

        var boot = vcpu.Boot;
        int start = boot.XsaveEnabled
            ? XsaveAddress.Raw(boot, fps, component) ?? throw new InvalidOperationException($"component {component} is enabled in the guest's XCR0 but has no place in its fpstate")
            : component == (int)XFeature.Fp ? 0 : XsaveImage.XmmRegistersOffset;
        var (file, size) = component switch
        {
            (int)XFeature.Fp => (start + StSpace, StSpaceSize),
            (int)XFeature.Sse => (start, XmmSpaceSize),
            _ => (start, XsaveAddress.Size(boot, component)),
        };

        if (boot.XsaveEnabled && !new FeatureMask(fps.XstateBv).Contains(component))
        {
            // XINUSE[i] was 0: the component was in its init configuration and the buffer's bytes are stale.
            InitComponent(fps.Regs, component, start, file, size);
            fps.XstateBv = new FeatureMask(fps.XstateBv).With(component).Bits;
        }
        int lane = (offset / 8 * 8) % size;
        BitConverter.TryWriteBytes(fps.Regs.AsSpan(file + lane, 8), value);
        return GuestWriteOutcome.Completed;
    }

    /// <summary>The init configuration (R17): x87 = FCW 0x37F with the rest of its bytes zero (MXCSR, at 24, is
    /// not x87 state); every other register file is zero.</summary>
    private static void InitComponent(byte[] regs, int component, int start, int file, int size)
    {
        regs.AsSpan(file, size).Clear();
        if (component != (int)XFeature.Fp) return;
        regs.AsSpan(start, XsaveImage.MxcsrOffset).Clear();
        BitConverter.TryWriteBytes(regs.AsSpan(start, 2), MachineState.InitFcw);
    }
}
