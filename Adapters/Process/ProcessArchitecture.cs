using System.Runtime.CompilerServices;
using System.Text.Json;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;
using Xsave.Contract.Machine;
using Xsave.Contract.Protocol;
using Xsave.Contract.Registers;
using Xsave.Contract.Serialization;

namespace Xsave.Adapters.Process;

/// <summary>The architecture part over the protocol: every query is one request carrying the CPU model.</summary>
internal sealed class ProcessArchitecture(ProcessImplementation owner, CpuModel cpu) : ICpuArchitecture
{
    // The CPU travels with every request (the server keeps no state for it); written once per model.
    private static readonly ConditionalWeakTable<CpuModel, string> CpuJson = new();

    private readonly string _cpuJson = CpuJson.GetValue(cpu, c => CpuModelJson.Write(c).ToJsonString());

    public CpuModel Cpu => cpu;

    public int StandardSize(FeatureMask xcr0) => Ask(ProtocolMethods.StandardSize, "mask", xcr0, r => r.GetInt32());
    public int CompactedSize(FeatureMask xcompBv) => Ask(ProtocolMethods.CompactedSize, "mask", xcompBv, r => r.GetInt32());
    public XsaveLayout StandardLayout(FeatureMask xcr0) => Ask(ProtocolMethods.StandardLayout, "mask", xcr0, Read<XsaveLayout>);
    public XsaveLayout CompactedLayout(FeatureMask xcompBv) => Ask(ProtocolMethods.CompactedLayout, "mask", xcompBv, Read<XsaveLayout>);
    public ValidityResult CheckXcr0(FeatureMask value) => Ask(ProtocolMethods.CheckXcr0, "value", value, Read<ValidityResult>);
    public ValidityResult CheckXss(FeatureMask value) => Ask(ProtocolMethods.CheckXss, "value", value, Read<ValidityResult>);
    public ValidityResult CheckXfd(FeatureMask value) => Ask(ProtocolMethods.CheckXfd, "value", value, Read<ValidityResult>);

    public InstructionOutcome Execute(MachineState state, ArchOperation operation) =>
        owner.Call(ProtocolMethods.Execute, w =>
        {
            WriteCpu(w);
            w.WritePropertyName("state");
            JsonSerializer.Serialize(w, state, ProtocolJson.Options);
            w.WritePropertyName("operation");
            JsonSerializer.Serialize(w, operation, ProtocolJson.Options);
        }, Read<InstructionOutcome>);

    private T Ask<T>(string method, string field, FeatureMask mask, Func<JsonElement, T> read) =>
        owner.Call(method, w =>
        {
            WriteCpu(w);
            w.WriteString(field, mask.ToHex());
        }, read);

    private void WriteCpu(Utf8JsonWriter w)
    {
        w.WritePropertyName("cpu");
        w.WriteRawValue(_cpuJson, skipInputValidation: true);
    }

    internal static T Read<T>(JsonElement result) where T : class =>
        result.Deserialize<T>(ProtocolJson.Options) ?? throw new JsonException($"expected a {typeof(T).Name}, found null");
}
