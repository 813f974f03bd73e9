using System.Text.Json;
using System.Text.Json.Serialization;
using Xsave.Contract.Implementations;
using Xsave.Contract.Serialization;

namespace Xsave.Contract.Protocol;

/// <summary>
/// The process protocol's vocabulary (docs/protocol.md), shared by the client (Adapters/Process) and the server
/// (the runner's 'serve' verb) so the two cannot drift: the version, the method names, the part names and the JSON
/// options. Contract records travel exactly as System.Text.Json writes them with their own attributes; only byte runs
/// change notation (base64).
/// </summary>
public static class ProtocolJson
{
    public const int Version = 1;

    public static readonly JsonSerializerOptions Options = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(), new ImmutableBytesJsonConverter() },
    };

    /// <summary>The wire names of the contract parts, in the order of <see cref="ContractPart"/>.</summary>
    public static readonly IReadOnlyList<(string Name, ContractPart Part)> Parts =
    [
        ("layout", ContractPart.Layout),
        ("register_validity", ContractPart.RegisterValidity),
        ("instructions", ContractPart.Instructions),
        ("linux_boot", ContractPart.LinuxBoot),
        ("linux_process", ContractPart.LinuxProcess),
        ("uabi", ContractPart.Uabi),
        ("kvm", ContractPart.Kvm),
    ];

    public static IEnumerable<string> PartNames(ContractPart parts) =>
        Parts.Where(p => (parts & p.Part) == p.Part).Select(p => p.Name);

    /// <summary>The part called <paramref name="name"/>, or null for a name this version does not know.</summary>
    public static ContractPart? PartNamed(string? name)
    {
        foreach (var (partName, part) in Parts)
            if (partName == name) return part;
        return null;
    }
}

/// <summary>The request methods of protocol version 1.</summary>
public static class ProtocolMethods
{
    public const string Hello = "hello";
    public const string StandardSize = "standard_size";
    public const string CompactedSize = "compacted_size";
    public const string StandardLayout = "standard_layout";
    public const string CompactedLayout = "compacted_layout";
    public const string CheckXcr0 = "check_xcr0";
    public const string CheckXss = "check_xss";
    public const string CheckXfd = "check_xfd";
    public const string Execute = "execute";
    public const string Boot = "boot";
    public const string Apply = "apply";
    public const string Snapshot = "snapshot";
    public const string Close = "close";
}
