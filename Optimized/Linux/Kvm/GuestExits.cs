using System.Diagnostics;
using System.Globalization;
using Xsave.Contract.Linux;
using Xsave.Optimized.Linux.Process;

namespace Xsave.Optimized.Linux.Kvm;

/// <summary>
/// The VM-exit handlers KVM_RUN calls while the guest FPU is loaded (the modelled part of vmx/svm_handle_exit): each
/// hands the guest instruction or host event to the part of the vCPU that owns its state and reports the guest's view.
/// </summary>
internal static class GuestExits
{
    private const string Completed = "completed", InjectedGp = "#GP";

    public static string Handle(Vcpu vcpu, TaskGroup group, GuestEvent e)
    {
        switch (e)
        {
            case GuestXsetbv x:
                return vcpu.Xcrs.GuestXsetbv(x.Cpl, x.Ecx, x.Value) ? Completed : InjectedGp;
            case GuestWrmsr w:
                return vcpu.Msrs.GuestWrmsr(w.Msr, w.Value) ? Completed : InjectedGp;
            case GuestRdmsr r:
                return vcpu.Msrs.GuestRdmsr(r.Msr, out ulong value)
                    ? "value=0x" + value.ToString("x", CultureInfo.InvariantCulture) : InjectedGp;
            case GuestWritePkru p:
                // WRPKRU: KVM reads PKRU back into vcpu->arch.pkru at the next exit.
                vcpu.Fpu.Pkru = p.Value;
                return Completed;
            case HostKernelFpuUse:
                vcpu.Fpu.KernelFpuBegin(group);
                return Completed;
            case InitWhileRunning:
                vcpu.Reset.Init(group);
                return Completed;
            default:
                throw new UnreachableException($"guest event {e.GetType().Name} is not part of the contract");
        }
    }
}
