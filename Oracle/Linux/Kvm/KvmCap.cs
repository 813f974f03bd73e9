namespace Xsave.Oracle.Linux.Kvm;

/// <summary>KVM_CHECK_EXTENSION numbers of the capabilities this model answers (include/uapi/linux/kvm.h).</summary>
public enum KvmCap
{
    Xsave = 55,
    Xcrs = 56,
    Xsave2 = 208,
}
