using System.Text.Json.Serialization;
using Xsave.Contract;
using Xsave.Contract.Cpus;
using Xsave.Contract.Implementations;
using Xsave.Contract.Layouts;

namespace Xsave.Cli.Reports;

/// <summary>One component of a layout: masks as lowercase hex strings, offsets and sizes decimal.</summary>
public sealed record ComponentEntry(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("size")] int Size);

public sealed record StandardEntry(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("components")] IReadOnlyList<ComponentEntry> Components);

public sealed record CompactedEntry(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("xcomp_bv")] string XcompBv,
    [property: JsonPropertyName("components")] IReadOnlyList<ComponentEntry> Components);

/// <summary>
/// The answer of the 'layout' verb: both XSAVE formats of one CPU for one (XCR0, IA32_XSS) pair, and whether the pair is
/// one XSETBV/WRMSR would accept. Layouts are given even for an invalid pair, computed for the masks as requested.
/// Every value is an implementation's answer through the contract (<see cref="ICpuArchitecture"/>), mapped as is.
/// </summary>
public sealed record LayoutReport(
    [property: JsonPropertyName("cpu")] string Cpu,
    [property: JsonPropertyName("xcr0")] string Xcr0,
    [property: JsonPropertyName("xss")] string Xss,
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors,
    [property: JsonPropertyName("standard")] StandardEntry Standard,
    [property: JsonPropertyName("compacted")] CompactedEntry? Compacted)
{
    /// <summary>The CPU's name for people (not part of the JSON).</summary>
    [JsonIgnore] public string Name { get; init; } = "";

    public static LayoutReport Build(CpuProfile profile, ICpuArchitecture architecture, FeatureMask xcr0, FeatureMask xss)
    {
        // R9 then R10: every reason, each naming its rule ("R8: bit 0 (x87) must be set").
        var errors = architecture.CheckXcr0(xcr0).Rejections.Concat(architecture.CheckXss(xss).Rejections)
            .Select(r => r.ToString()).ToList();

        // R14: the standard format holds the user components of XCR0 only.
        var standard = architecture.StandardLayout(xcr0);
        // R15: the compacted format exists only with XSAVEC (R5); XSAVEC/XSAVES write XCOMP_BV = RFBM | bit 63.
        CompactedEntry? compacted = null;
        if (architecture.Cpu.HasXsavec)
        {
            var layout = architecture.CompactedLayout(xcr0 | xss);
            compacted = new CompactedEntry(layout.Size, (layout.Components | ArchMasks.CompactedFormat).ToHex(), Entries(layout));
        }
        return new LayoutReport(profile.Id, xcr0.ToHex(), xss.ToHex(), errors.Count == 0, errors,
            new StandardEntry(standard.Size, Entries(standard)), compacted) { Name = profile.Name };
    }

    private static IReadOnlyList<ComponentEntry> Entries(XsaveLayout layout) =>
        layout.Placements.OrderBy(p => p.Index).Select(p => new ComponentEntry(p.Index, p.Offset, p.Size)).ToList();
}
