namespace Xsave.Contract.Cpus;

/// <summary>
/// The consistency properties of a sane leaf 0xD enumeration (SPEC R4-R7). Violations are anomalies: real dumps have
/// them (old dump tools, hypervisors), so a profile with anomalies still loads but is not clean.
/// </summary>
public static class ProfileConsistency
{
    public static IReadOnlyList<ProfileDiagnostic> Check(CpuProfile p)
    {
        var found = new List<ProfileDiagnostic>();
        var cpu = p.ToCpuModel();
        var xcr0 = cpu.SupportedXcr0;
        var xss = cpu.SupportedXss;

        // The curator's masks must be the registers they were copied from.
        if (p.XcrSupported != xcr0)
            Add("declared-mask", $"xcr0_supported is {p.XcrSupported} but CPUID.(0xD,0).EDX:EAX is {xcr0}", 0, "xcr0_supported");
        if (p.XssSupported != xss)
            Add("declared-mask", $"xss_supported is {p.XssSupported} but CPUID.(0xD,1).EDX:ECX is {xss}", 1, "xss_supported");

        // R8/R9: x87 is always enabled, so a CPU with XSAVE supports at least bit 0; SSE is legacy state too.
        if (!xcr0.Contains(XFeature.Fp))
            Add("no-x87", $"supported XCR0 {xcr0} lacks bit 0 (x87), which XCR0 must always have", 0);
        // R7: user bits (sub-leaf 0) and supervisor bits (sub-leaf 1) are disjoint.
        if (xcr0.Overlaps(xss))
            Add("user-supervisor-overlap", $"bits {(xcr0 & xss).Describe()} are enumerated both in XCR0 (sub-leaf 0) and IA32_XSS (sub-leaf 1)", 1);
        if (xss.Overlaps(ArchMasks.FpSse))
            Add("legacy-in-xss", "IA32_XSS-supported bits include x87 or SSE", 1);
        // R5: XSS bits need XSAVES.
        if (!xss.IsEmpty && !cpu.HasXsaves)
            Add("xss-without-xsaves", $"IA32_XSS-supported bits {xss} but CPUID.(0xD,1).EAX[3] (XSAVES) is 0", 1);

        // R6/R7: every enumerated component i >= 2 has a descriptor with EAX > 0 and a supervisor flag matching its leaf.
        foreach (int i in (xcr0 | xss).Indices().Where(i => i >= 2))
        {
            bool supervisor = xss.Contains(i);
            if (!p.Leaf0D.ContainsKey(i))
            {
                Add("subleaf-missing", $"bit {i} ({ComponentCatalogue.ShortName(i)}) is supported but its sub-leaf is not in the dump", i);
                continue;
            }
            var r = cpu.SubLeaf(i);
            if (r.IsZero || r.Eax == 0)
            {
                Add("subleaf-zero", $"bit {i} ({ComponentCatalogue.ShortName(i)}) is supported but its sub-leaf reports size 0 ({r})", i);
                continue;
            }
            if (cpu.IsSupervisorEnumerated(i) != supervisor)
                Add("supervisor-flag",
                    $"ECX[0]={(r.Ecx & 1)} says {(cpu.IsSupervisorEnumerated(i) ? "supervisor" : "user")} but bit {i} is enumerated in {(supervisor ? "IA32_XSS (sub-leaf 1)" : "XCR0 (sub-leaf 0)")}", i);
            if (supervisor && r.Ebx != 0)
                Add("supervisor-offset", $"supervisor component has a standard-format offset EBX=0x{r.Ebx:x} (expected 0)", i);
            if (r.Edx != 0)
                Add("subleaf-edx", $"EDX=0x{r.Edx:x8} is reserved and must be 0", i);
        }

        // R6: sub-leaves of components the CPU does not support read as zero (e.g. CET descriptors on a CPU without CET).
        foreach (var (i, r) in p.Leaf0D.Where(kv => kv.Key >= 2 && kv.Key <= 62).OrderBy(kv => kv.Key))
            if (!(xcr0 | xss).Contains(i) && !r.IsZero)
                Add("descriptor-unsupported", $"bit {i} ({ComponentCatalogue.ShortName(i)}) is not supported but its sub-leaf is non-zero ({r})", i);

        // R7: standard user regions [EBX, EBX+EAX) do not overlap each other or the legacy region and header [0, 576).
        var regions = xcr0.Indices().Where(i => i >= 2 && cpu.ComponentSize(i) > 0)
            .Select(i => (Index: i, Start: cpu.StandardOffset(i), End: cpu.StandardOffset(i) + cpu.ComponentSize(i)))
            .OrderBy(r => r.Start).ToList();
        foreach (var r in regions.Where(r => r.Start < XFeatures.ExtendedRegionStart))
            Add("standard-overlap", $"standard region [{r.Start}, {r.End}) of bit {r.Index} overlaps the legacy region and header [0, 576)", r.Index);
        for (int a = 0; a < regions.Count; a++)
            for (int b = a + 1; b < regions.Count; b++)
                if (regions[b].Start < regions[a].End)
                    Add("standard-overlap",
                        $"standard regions of bit {regions[a].Index} [{regions[a].Start}, {regions[a].End}) and bit {regions[b].Index} [{regions[b].Start}, {regions[b].End}) overlap",
                        regions[b].Index);

        // R4: sub-leaf 0 ECX is the standard size with every supported user bit enabled.
        int maxEnd = Math.Max(XFeatures.ExtendedRegionStart, regions.Count == 0 ? 0 : regions.Max(r => r.End));
        if (cpu.MaxStandardSize != maxEnd)
            Add("max-size", $"ECX=0x{cpu.MaxStandardSize:x} but the supported user components end at 0x{maxEnd:x}", 0);

        if (p.Flags.Hypervisor)
            Add("hypervisor", "CPUID.1:ECX[31] is set: the dump was taken under a hypervisor and its values may be filtered", null, "leaf1");
        if (!p.FlagsFromDump)
            found.Add(new(DiagnosticSeverity.Note, "flags-inferred",
                "the profile has no leaf 1/7: CPU feature flags are inferred from the components leaf 0xD enumerates",
                p.Id, p.File, "leaf1"));
        return found;

        void Add(string code, string message, int? subLeaf, string? field = null) =>
            found.Add(new(DiagnosticSeverity.Anomaly, code, message, p.Id, p.File, field ?? "leaf0d", subLeaf));
    }
}
