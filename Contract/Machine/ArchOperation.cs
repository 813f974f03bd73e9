using System.Text.Json.Serialization;

namespace Xsave.Contract.Machine;

/// <summary>
/// One step an implementation of the XSAVE architecture executes on a <see cref="MachineState"/>: an XSAVE-family
/// instruction with its memory operand, XSETBV, XGETBV, WRMSR to an XSAVE MSR, or an INIT/RESET event. Plain records
/// with a type discriminator so a process protocol can carry them as JSON.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(XsaveFamilyOp), "xsave-family")]
[JsonDerivedType(typeof(XsetbvOp), "xsetbv")]
[JsonDerivedType(typeof(XgetbvOp), "xgetbv")]
[JsonDerivedType(typeof(WrmsrOp), "wrmsr")]
[JsonDerivedType(typeof(InitOp), "init")]
[JsonDerivedType(typeof(ResetOp), "reset")]
public abstract record ArchOperation;

/// <summary>XSAVE, XSAVEOPT, XSAVEC, XSAVES, XRSTOR or XRSTORS with instruction mask EDX:EAX on <see cref="Memory"/>.</summary>
public sealed record XsaveFamilyOp(XsaveInstruction Instruction, FeatureMask EdxEax, XsaveBuffer Memory) : ArchOperation;

/// <summary>XSETBV: write EDX:EAX = <see cref="Value"/> to XCR[ECX] (R8).</summary>
public sealed record XsetbvOp(uint Ecx, FeatureMask Value) : ArchOperation;

/// <summary>XGETBV: read XCR[ECX] (R17; ECX = 1 needs XGETBV1).</summary>
public sealed record XgetbvOp(uint Ecx) : ArchOperation;

/// <summary>WRMSR of <see cref="Value"/> to IA32_XSS, IA32_XFD or IA32_XFD_ERR (R10, R11).</summary>
public sealed record WrmsrOp(ArchMsr Msr, FeatureMask Value) : ArchOperation;

/// <summary>The INIT event (R29).</summary>
public sealed record InitOp : ArchOperation;

/// <summary>RESET / power-up (R28).</summary>
public sealed record ResetOp : ArchOperation;
