using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Running;

/// <summary>
/// Whether a stored input (a regression file) can be asked of a subject that is one fixed machine (a real CPU): a case
/// recorded on another CPU, or with an XCR0, CPL or INIT/RESET that machine cannot take, is not applicable there.
/// </summary>
internal static class FixedMachineFit
{
    public static string? Misfit(PropertyContext context, object input)
    {
        if (context.FixedMachine is not { } machine || context.FixedCpu is not { } cpu) return null;
        var (caseCpu, states, operation) = input switch
        {
            InstructionCase c => (c.Cpu.Cpu, new[] { c.State }, c.Operation),
            RoundTripCase r => (r.Cpu.Cpu, new[] { r.Source, r.Target }, (ArchOperation?)null),
            _ => (null, Array.Empty<MachineState>(), null),
        };
        if (caseCpu is null) return null;
        if (caseCpu.Id != cpu.Id) return $"the case is for CPU {caseCpu.Id}; {context.Subject.Name} is CPU {cpu.Id}";
        foreach (var s in states)
            if (s.Xcr0 != machine.Xcr0 || s.Cpl != machine.Cpl || !s.Cr4Osxsave || s.Cr0Ts || s.Xfd != machine.Xfd)
                return $"the case's state ({s}) is not one {context.Subject.Name} can take (XCR0 {machine.Xcr0}, CPL {machine.Cpl})";
        foreach (var s in states)
            if (RegisterFields.Misfit(s) is { } why) return $"the case's state is not one {context.Subject.Name} can take: {why}";
        return operation is InitOp or ResetOp && !machine.InitReset ? $"{context.Subject.Name} cannot take INIT/RESET" : null;
    }
}
