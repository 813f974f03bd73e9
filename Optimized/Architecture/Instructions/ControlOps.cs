using Xsave.Contract;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.Architecture.Instructions;

/// <summary>XSETBV (SPEC R8/R9), XGETBV (R17), WRMSR to the XSAVE MSRs (R10/R11), INIT (R29) and RESET (R28).</summary>
internal static class ControlOps
{
    public static InstructionOutcome Xsetbv(CpuFacts facts, MachineState state, uint ecx, ulong value)
    {
        // R8: #UD before #GP (decode-time faults come first).
        if (!state.Cr4Osxsave) return Fail(Faults.NoOsxsave, state);
        if (!facts.Has(XsaveVariants.Xsave)) return Fail(Faults.NoXsave, state);
        if (state.Cpl != 0) return Fail(Faults.XsetbvCpl, state);
        if (ecx != 0) return Fail(Faults.XsetbvEcx, state);
        if (!RegisterChecks.IsValidXcr0(value, facts.Tables.SupportedXcr0)) return Fail(Faults.Xcr0Invalid, state);

        // Nothing says what a component's registers hold when it is enabled again after XSETBV cleared it.
        ulong disabled = state.Xcr0.Bits & ~value;
        return InstructionOutcome.Success(state with { Xcr0 = new(value) }) with { UnspecifiedComponents = new(disabled) };
    }

    public static InstructionOutcome Xgetbv(CpuFacts facts, MachineState state, uint ecx)
    {
        if (!state.Cr4Osxsave) return Fail(Faults.NoOsxsave, state);
        if (!facts.Has(XsaveVariants.Xsave)) return Fail(Faults.NoXsave, state);

        ulong value;
        if (ecx == 0) value = state.Xcr0.Bits;
        else if (ecx == 1 && facts.Has(XsaveVariants.Xgetbv1))
        {
            // R17: XCR0 AND XINUSE, with SSE in use whenever MXCSR != 1F80H (KO §1c: LDMXCSR 0x1fc0 gives 0x03).
            ulong inUse = state.XinUse.Bits | (state.Mxcsr != XsaveArea.InitMxcsr ? XsaveArea.SseMask : 0);
            value = state.Xcr0.Bits & inUse;
        }
        else return Fail(Faults.XgetbvEcx, state); // KO §1b: ECX = 2 faults; ECX = 1 needs XGETBV1 (R5)

        return InstructionOutcome.Success(state) with { ReturnedValue = value };
    }

    public static InstructionOutcome Wrmsr(CpuFacts facts, MachineState state, ArchMsr msr, ulong value)
    {
        if (state.Cpl != 0) return Fail(Faults.WrmsrCpl, state);
        var t = facts.Tables;
        switch (msr)
        {
            case ArchMsr.Xss:
                // R5/R10: the MSR comes with XSAVES; only CPUID.(0xD,1).EDX:ECX bits.
                if (!facts.Has(XsaveVariants.Xsaves)) return Fail(Faults.MsrAbsent, state);
                if ((value & ~t.SupportedXss) != 0) return Fail(Faults.XssReserved, state);
                // Supervisor components just disabled: unspecified if enabled again (as after XSETBV).
                return InstructionOutcome.Success(state with { Xss = new(value) }) with { UnspecifiedComponents = new(state.Xss.Bits & ~value) };

            case ArchMsr.Xfd:
                // R5/R11: the MSR comes with XFD; only components with CPUID.(0xD,i).ECX[2].
                if (!facts.Has(XsaveVariants.Xfd)) return Fail(Faults.MsrAbsent, state);
                if ((value & ~t.XfdCapable) != 0) return Fail(Faults.XfdNotCapable, state);
                // R27: a newly disabled component may revert to init at once: its contents are unspecified.
                return InstructionOutcome.Success(state with { Xfd = new(value) }) with { UnspecifiedComponents = new(value & ~state.Xfd.Bits) };

            case ArchMsr.XfdErr:
                // R11: comes with XFD; the same bits as IA32_XFD (as KVM checks it; UNVERIFIED architecturally).
                if (!facts.Has(XsaveVariants.Xfd)) return Fail(Faults.MsrAbsent, state);
                if ((value & ~t.XfdCapable) != 0) return Fail(Faults.XfdNotCapable, state);
                return InstructionOutcome.Success(state with { XfdErr = new(value) });

            default:
                return Fail(Faults.MsrAbsent, state);
        }
    }

    /// <summary>
    /// R29: INIT zeroes MPX (BND0-3, BNDCFGU, BNDSTATUS) and CET (SSPs, U_CET/S_CET) and keeps x87, SSE, AVX, AVX-512,
    /// AMX, APX, XCR0, IA32_XSS, IA32_XFD. The processor restarts in real mode: CR0 = 0x10, CR4 = 0 (KO §4c), CPL 0.
    /// </summary>
    public static InstructionOutcome Init(CpuFacts facts, MachineState state)
    {
        ulong cleared = XsaveArea.MpxAndCetMask & facts.Held;
        var components = state.Components;
        if (cleared != 0)
        {
            var builder = components.ToBuilder();
            for (ulong m = cleared; m != 0; m &= m - 1)
            {
                int i = XsaveArea.Lowest(m);
                builder[i] = facts.InitImage(i);
            }
            components = builder.ToImmutable();
        }
        return InstructionOutcome.Success(state with
        {
            Components = components,
            XinUse = new(state.XinUse.Bits & ~XsaveArea.MpxAndCetMask),
            Cr4Osxsave = false,
            Cr0Ts = false,
            Cpl = 0,
            LastRestore = null, // R20a: INIT/RESET end the modified-optimization tracking
        });
    }

    /// <summary>
    /// R28: XCR0 = 1, IA32_XSS = 0, every component in its init configuration (FCW 0x037F as KVM's fresh vCPU, KO §3c;
    /// hardware's 0x0040 is UNVERIFIED), IA32_XFD = IA32_XFD_ERR = 0, MXCSR = 1F80H, CR4.OSXSAVE = 0, CR0.TS = 0, CPL 0.
    /// </summary>
    public static InstructionOutcome Reset(CpuFacts facts, MachineState state)
    {
        var builder = state.Components.ToBuilder();
        for (ulong m = facts.Held; m != 0; m &= m - 1)
        {
            int i = XsaveArea.Lowest(m);
            builder[i] = facts.InitImage(i);
        }
        return InstructionOutcome.Success(state with
        {
            Components = builder.ToImmutable(),
            Xcr0 = new(XsaveArea.X87Mask),
            Xss = FeatureMask.None,
            Xfd = FeatureMask.None,
            XfdErr = FeatureMask.None,
            XinUse = FeatureMask.None,
            Mxcsr = XsaveArea.InitMxcsr,
            Cr4Osxsave = false,
            Cr0Ts = false,
            Cpl = 0,
            LastRestore = null, // R20a: INIT/RESET end the modified-optimization tracking
        });
    }

    private static InstructionOutcome Fail(Fault fault, MachineState state) => InstructionOutcome.Faulted(fault, state);
}
