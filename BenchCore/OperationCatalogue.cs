using Xsave.BenchCore.Loops;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.BenchCore;

/// <summary>
/// Every operation of issue 4's benchmark, in report order, and the bare-lookup baseline. The BenchmarkDotNet project
/// and the 'bench' verb both measure exactly these loops.
/// </summary>
public static class OperationCatalogue
{
    public const string BareLookupName = "bare-lookup";

    /// <summary>arch_prctl options and component numbers (SPEC R64).</summary>
    public const int ArchGetXcompPerm = Uapi.ArchPrctl.GetXcompPerm, ArchReqXcompPerm = Uapi.ArchPrctl.ReqXcompPerm,
        XcompTileData = Uapi.ArchPrctl.XcompTiledata;

    /// <summary>sizeof(struct kvm_xsave) (R89).</summary>
    public const int KvmXsaveSize = Uapi.KvmXsaveSize;

    /// <summary>The CPU the numbers in BENCHMARKS.md are measured on: it has AMX, so ARCH_REQ_XCOMP_PERM(18) succeeds.</summary>
    public const string DefaultCpu = "intel-sapphirerapids-806f8";

    public static IReadOnlyList<BenchOperation> All { get; } =
    [
        new("standard-size", "ICpuArchitecture.StandardSize of a random valid XCR0 (R14)", ContractPart.Layout,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(StandardSizeLoop<>), impl.Architecture(cpu), inputs.Xcr0)),
            LookupTarget: true),
        new("compacted-size", "ICpuArchitecture.CompactedSize of a random XCOMP_BV = valid XCR0 | random XSS subset | bit 63 (R15)",
            ContractPart.Layout,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(CompactedSizeLoop<>), impl.Architecture(cpu), inputs.XcompBv)),
            LookupTarget: true),
        new("standard-layout", "ICpuArchitecture.StandardLayout (every placement) of a random valid XCR0 (R12-R14)", ContractPart.Layout,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(StandardLayoutLoop<>), impl.Architecture(cpu), inputs.Xcr0))),
        new("compacted-layout", "ICpuArchitecture.CompactedLayout (every placement) of the same random XCOMP_BV (R15)", ContractPart.Layout,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(CompactedLayoutLoop<>), impl.Architecture(cpu), inputs.XcompBv))),
        new("xcr0-validity", "ICpuArchitecture.CheckXcr0 of a random valid XCR0: the accepting path (R8/R9)",
            ContractPart.RegisterValidity,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(Xcr0ValidityLoop<>), impl.Architecture(cpu), inputs.Xcr0)),
            LookupTarget: true),
        new("xcr0-validity-rejected",
            "ICpuArchitecture.CheckXcr0 of a random value breaking one rule (x87 clear, AVX without SSE, bit 63, half a " +
            "pair): the refusing path, which builds the reasons (R8/R9)",
            ContractPart.RegisterValidity,
            (impl, cpu, inputs) => PreparedOperation.Ready(LoopSlots.Create(typeof(Xcr0ValidityLoop<>), impl.Architecture(cpu), inputs.InvalidXcr0)),
            LookupTarget: true),
        new("uabi-header-validation",
            "PTRACE_SETREGSET NT_X86_XSTATE of a full user.max_size image whose header has XCOMP_BV != 0: " +
            "copied in, refused by validate_user_xstate_header with -EINVAL (R68, R71)",
            ContractPart.Uabi, PrepareInvalidHeader),
        new("kvm-set-xsave",
            "KVM_SET_XSAVE of a valid 4096-byte image (x87, SSE, AVX, AVX-512 state) on a vCPU whose CPUID came from " +
            "KVM_GET_SUPPORTED_CPUID (R89)",
            ContractPart.Kvm, PrepareSetXsave),
        new("arch-req-xcomp-perm",
            "ARCH_REQ_XCOMP_PERM(18) when AMX is already permitted: the repeated request, R65 step 4 (lockless, returns 0)",
            ContractPart.LinuxProcess, PrepareRepeatedRequest),
        new("arch-req-xcomp-perm-first",
            "execve() then ARCH_REQ_XCOMP_PERM(18): the first request, R65 step 6 (new sizes, sigaltstack check), " +
            "with the execve that resets the permission (R61) in every iteration",
            ContractPart.LinuxProcess, PrepareFirstRequest),
    ];

    /// <summary>The baseline: a bare table lookup of the standard size of the same random XCR0 values.</summary>
    public static IOperationLoop BareLookup(BenchInputs inputs) => LoopSlots.Create(typeof(BareLookupLoop<>), inputs.LookupTable, inputs.LookupIndex);

    public static BenchOperation? Find(string name) => All.FirstOrDefault(o => o.Name == name);

    // ---- Linux and KVM set-up: each step is checked, so the loop measures the path its description names ----

    private static PreparedOperation PrepareRepeatedRequest(IXstateImplementation impl, CpuModel cpu, BenchInputs _)
    {
        var kernel = impl.Boot(cpu, KernelConfig.Default);
        var request = new ArchPrctlOp(1, ArchReqXcompPerm, XcompTileData);
        if (Unexpected(impl, kernel.Apply(request), 0, "the first ARCH_REQ_XCOMP_PERM(18)") is { } first) return first;
        if (Unexpected(impl, kernel.Apply(request), 0, "a repeated ARCH_REQ_XCOMP_PERM(18)") is { } again) return again;
        return PreparedOperation.Ready(LoopSlots.Create(typeof(RepeatedOpLoop<>), kernel, request));
    }

    private static PreparedOperation PrepareFirstRequest(IXstateImplementation impl, CpuModel cpu, BenchInputs _)
    {
        var kernel = impl.Boot(cpu, KernelConfig.Default);
        var exec = new ExecOp(1);
        var request = new ArchPrctlOp(1, ArchReqXcompPerm, XcompTileData);
        var getPerm = new ArchPrctlOp(1, ArchGetXcompPerm, 0);
        var tileData = FeatureMask.Of(XFeature.XtileData);
        for (int round = 0; round < 2; round++)
        {
            if (Unexpected(impl, kernel.Apply(exec), 0, "execve") is { } e) return e;
            // The request after execve must really be a first one: the permission was reset (R61).
            if (new FeatureMask(kernel.Apply(getPerm).Value ?? 0).Overlaps(tileData))
                return PreparedOperation.NotAvailable($"{impl.Name}: AMX is still permitted after execve, so the request would not be a first one");
            if (Unexpected(impl, kernel.Apply(request), 0, "ARCH_REQ_XCOMP_PERM(18) after execve") is { } r) return r;
        }
        return PreparedOperation.Ready(LoopSlots.Create(typeof(PairedOpLoop<>), kernel, exec, request));
    }

    private static PreparedOperation PrepareInvalidHeader(IXstateImplementation impl, CpuModel cpu, BenchInputs _)
    {
        var kernel = impl.Boot(cpu, KernelConfig.Default);
        // A valid image of the regset's full size (R71: user.max_size bytes; a larger iov_len is cut to it).
        var read = kernel.Apply(new PtraceGetXstateOp(1, 0, 1 << 16));
        if (read.Result < 0 || read.Data is not { Length: > UabiImage.XcompBvOffset + 8 } image)
            return PreparedOperation.NotAvailable($"{impl.Name}: PTRACE_GETREGSET returned {read.Result} while preparing");
        UabiImage.FillComponents(image, cpu, FeatureMask.Of(XFeature.Fp, XFeature.Sse));
        if (Unexpected(impl, kernel.Apply(new PtraceSetXstateOp(1, 0, image)), 0, "PTRACE_SETREGSET of the valid image") is { } ok) return ok;

        // R68: a compacted-format XCOMP_BV in a uABI header is refused.
        var invalid = (byte[])image.Clone();
        UabiImage.SetXcompBv(invalid, UabiImage.XstateBv(invalid).With(XFeatures.CompactedFormatBit));
        var write = new PtraceSetXstateOp(1, 0, invalid);
        if (Unexpected(impl, kernel.Apply(write), -(long)Errno.EINVAL, "PTRACE_SETREGSET with XCOMP_BV != 0") is { } bad) return bad;
        return PreparedOperation.Ready(LoopSlots.Create(typeof(RepeatedOpLoop<>), kernel, write));
    }

    private static PreparedOperation PrepareSetXsave(IXstateImplementation impl, CpuModel cpu, BenchInputs _)
    {
        var kernel = impl.Boot(cpu, KernelConfig.Default);
        var supported = kernel.Apply(new KvmGetSupportedCpuidOp(1));
        if (supported.Result < 0 || supported.Cpuid is null)
            return PreparedOperation.NotAvailable($"{impl.Name}: KVM_GET_SUPPORTED_CPUID returned {supported.Result} while preparing");
        var created = kernel.Apply(new VcpuCreateOp(1));
        if (created.Result < 0 || created.Created is not { } vcpu)
            return PreparedOperation.NotAvailable($"{impl.Name}: KVM_CREATE_VCPU returned {created.Result} while preparing");
        if (Unexpected(impl, kernel.Apply(new SetCpuid2Op(vcpu, supported.Cpuid)), 0, "KVM_SET_CPUID2") is { } cpuid) return cpuid;

        var read = kernel.Apply(new GetXsaveOp(vcpu));
        if (read.Result < 0 || read.Data is not { Length: KvmXsaveSize } image)
            return PreparedOperation.NotAvailable($"{impl.Name}: KVM_GET_XSAVE returned {read.Result} while preparing");
        var components = UabiImage.Fitting(cpu, FeatureMask.Of(XFeature.Fp, XFeature.Sse, XFeature.Ymm) | ArchMasks.Avx512, KvmXsaveSize);
        UabiImage.FillComponents(image, cpu, components);
        var write = new SetXsaveOp(vcpu, image);
        if (Unexpected(impl, kernel.Apply(write), 0, "KVM_SET_XSAVE") is { } set) return set;
        return PreparedOperation.Ready(LoopSlots.Create(typeof(RepeatedOpLoop<>), kernel, write));
    }

    private static PreparedOperation? Unexpected(IXstateImplementation impl, KernelOutcome outcome, long expected, string step) =>
        outcome.Result == expected
            ? null
            : PreparedOperation.NotAvailable($"{impl.Name}: {step} returned {new KResult(outcome.Result)} while preparing, expected {new KResult(expected)}");
}
