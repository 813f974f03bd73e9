using FsCheck;
using Xsave.Contract.Implementations;

namespace Xsave.Properties;

/// <summary>How a law relates the implementation to the spec.</summary>
public enum LawKind
{
    /// <summary>The implementation's answer equals the oracle's.</summary>
    Differential,
    /// <summary>A relation the kernel relies on holds on the implementation's answers (SPEC part D).</summary>
    Invariant,
    /// <summary>Two related inputs give related answers (round trips, order independence).</summary>
    Metamorphic,
}

/// <summary>
/// One entry of the catalogue: a stable name (used on the command line, in regression files and as the xunit test
/// name), the SPEC rules and invariants it checks, what it needs from the implementation, and the FsCheck property.
/// </summary>
public sealed record ConformanceProperty(
    string Name,
    LawKind Kind,
    IReadOnlyList<string> Rules,
    ContractPart Needs,
    string Description,
    Func<PropertyContext, Property> Build)
{
    /// <summary>Why the property cannot run against an implementation, or null when it can.</summary>
    public string? SkipReason(IXstateImplementation subject)
    {
        var missing = Needs & ~subject.Capabilities.Parts;
        return missing == ContractPart.None ? null : $"{subject.Name} does not implement {missing}";
    }

    public override string ToString() => Name;
}
