using System.Diagnostics;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The VM-exit handlers KVM_RUN calls while the guest FPU is loaded (the modelled part of vmx/svm_handle_exit): each
/// hands the guest instruction or host event to the part of the vCPU that owns its state and reports the guest's view.
/// </summary>
internal static class GuestExits
{
    public static GuestExit Handle(Vcpu vcpu, TaskGroup group, GuestEvent e)
    {
        switch (e)
        {
            case GuestXsetbv x:
                return vcpu.Xcrs.GuestXsetbv(x.Cpl, x.Ecx, x.Value) ? GuestExit.Completed : GuestExit.InjectedGp;
            case GuestWrmsr w:
                return vcpu.Msrs.GuestWrmsr(w.Msr, w.Value) ? GuestExit.Completed : GuestExit.InjectedGp;
            case GuestRdmsr r:
                return vcpu.Msrs.GuestRdmsr(r.Msr, out ulong value) ? GuestExit.Read(value) : GuestExit.InjectedGp;
            case GuestWritePkru p:
                // WRPKRU: KVM reads PKRU back into vcpu->arch.pkru at the next exit.
                vcpu.Fpu.Pkru = p.Value;
                return GuestExit.Completed;
            case HostKernelFpuUse:
                vcpu.Fpu.KernelFpuBegin(group);
                return GuestExit.Completed;
            case InitWhileRunning:
                vcpu.Reset.Init(group);
                return GuestExit.Completed;
            case GuestWriteRegister w:
                return GuestRegisters.Write(vcpu, w.Component, w.Offset, w.Value) switch
                {
                    GuestWriteResult.Ud => GuestExit.InjectedUd,
                    GuestWriteResult.Nm => GuestExit.InjectedNm,
                    _ => GuestExit.Completed,
                };
            default:
                throw new UnreachableException($"guest event {e.GetType().Name} is not part of the contract");
        }
    }
}
