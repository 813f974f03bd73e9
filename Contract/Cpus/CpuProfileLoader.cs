using System.Globalization;
using System.Text.Json;
using Xsave.Contract.Serialization;

namespace Xsave.Contract.Cpus;

/// <summary>
/// Strict reader of CPU profiles in the corpus/cpus schema. Never throws on bad input: every problem becomes a
/// <see cref="ProfileDiagnostic"/> naming the file, the profile and the field or CPUID sub-leaf. A profile with an
/// error is left out; a profile whose enumeration is merely inconsistent loads with anomalies (see
/// <see cref="ProfileConsistency"/>).
/// </summary>
public static class CpuProfileLoader
{
    /// <summary>Every *.json profile file of a directory, in file-name order.</summary>
    public static ProfileLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            return ProfileLoadResult.Failure(new(DiagnosticSeverity.Error, "no-directory",
                "directory does not exist", File: directory));
        var profiles = new List<CpuProfile>();
        var errors = new List<ProfileDiagnostic>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var one = LoadFile(file);
            profiles.AddRange(one.Profiles);
            errors.AddRange(one.Errors);
        }
        foreach (var dup in profiles.GroupBy(p => p.Id).Where(g => g.Count() > 1))
            errors.Add(new(DiagnosticSeverity.Error, "duplicate-id",
                $"profile id is used by {dup.Count()} files: {string.Join(", ", dup.Select(p => Path.GetFileName(p.File)))}",
                dup.Key, directory));
        return new(profiles, errors);
    }

    /// <summary>A file holding one profile object, or an array of them (the shape of shared/cpus/profiles.json).</summary>
    public static ProfileLoadResult LoadFile(string path)
    {
        if (!BoundedText.TryRead(path, out var text, out var error))
            return ProfileLoadResult.Failure(new(DiagnosticSeverity.Error, "unreadable", error!, File: path));
        return Parse(text, path);
    }

    public static ProfileLoadResult Parse(string json, string? file = null)
    {
        JsonDocument doc;
        try
        {
            // Duplicate keys are refused: last-one-wins would silently pick one of two CPUID values (issue 15, item 7).
            doc = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false, MaxDepth = 32,
            });
        }
        catch (JsonException e)
        {
            return ProfileLoadResult.Failure(new(DiagnosticSeverity.Error, "json",
                $"not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}",
                File: file));
        }
        catch (ArgumentException e)
        {
            // Text that is not valid UTF-16 (a lone surrogate) cannot even be transcoded for the JSON reader.
            return ProfileLoadResult.Failure(new(DiagnosticSeverity.Error, "json", $"not valid text: {FirstSentence(e.Message)}", File: file));
        }
        using (doc)
        {
            var root = doc.RootElement;
            var profiles = new List<CpuProfile>();
            var errors = new List<ProfileDiagnostic>();
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    Add(ParseProfile(root, file, null));
                    break;
                case JsonValueKind.Array:
                    int n = 0;
                    foreach (var element in root.EnumerateArray()) Add(ParseProfile(element, file, n++));
                    break;
                default:
                    errors.Add(new(DiagnosticSeverity.Error, "shape",
                        $"expected a profile object or an array of them, found {root.ValueKind}", File: file));
                    break;
            }
            return new(profiles, errors);

            void Add((CpuProfile? Profile, List<ProfileDiagnostic> Errors) r)
            {
                if (r.Profile is not null) profiles.Add(r.Profile);
                errors.AddRange(r.Errors);
            }
        }
    }

    private static (CpuProfile?, List<ProfileDiagnostic>) ParseProfile(JsonElement e, string? file, int? arrayIndex)
    {
        var errors = new List<ProfileDiagnostic>();
        string? id = null;
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(DiagnosticSeverity.Error, "shape", $"array element {arrayIndex} is {e.ValueKind}, not an object", File: file));
            return (null, errors);
        }
        id = e.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        // Diagnostics name the profile by id: never with the raw control characters (the field check below refuses it).
        if (ProfileLimits.HasControlCharacter(id)) id = ProfileLimits.Printable(id!);
        if (string.IsNullOrWhiteSpace(id))
        {
            Fail("missing-field", "id", "required string field 'id' is missing or empty" + (arrayIndex is null ? "" : $" (array element {arrayIndex})"));
            return (null, errors);
        }

        var vendor = RequiredString("vendor");
        var name = OptionalString("name") ?? "";
        var source = e.TryGetProperty("source", out var src) && src.ValueKind == JsonValueKind.Object ? src.Clone() : default;
        if (source.ValueKind != JsonValueKind.Object) Fail("missing-field", "source", "required object 'source' (provenance) is missing");
        var leaf0d = ParseLeaf("leaf0d", required: true, maxSubLeaf: 63);
        var leaf7 = ParseLeaf("leaf7", required: false, maxSubLeaf: 1);
        CpuidRegs? leaf1 = null;
        if (e.TryGetProperty("leaf1", out var l1)) leaf1 = ParseRegs(l1, "leaf1", null);
        var xcr = RequiredMask("xcr0_supported");
        var xss = RequiredMask("xss_supported");
        bool clean = e.TryGetProperty("clean", out var c) && c.ValueKind is JsonValueKind.True;
        if (!e.TryGetProperty("clean", out c) || c.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            Fail("missing-field", "clean", "required boolean 'clean' is missing");
        var anomalies = new List<string>();
        if (e.TryGetProperty("anomalies", out var an) && an.ValueKind == JsonValueKind.Array)
            foreach (var a in an.EnumerateArray())
                anomalies.Add(a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText());
        else Fail("missing-field", "anomalies", "required array 'anomalies' is missing");

        int family = OptionalInt("family"), model = OptionalInt("model"), stepping = OptionalInt("stepping");
        if (leaf0d is not null)
            foreach (var (field, subLeaf, message) in ProfileLimits.Check(leaf0d)) Fail("out-of-range", field, message, subLeaf);
        foreach (var field in new[] { "id", "vendor", "name", "codename", "category" })
            if (ProfileLimits.HasControlCharacter(OptionalString(field)))
                Fail("bad-field", field, $"'{field}' contains a control character (a terminal escape or a line break)");
        if (errors.Count > 0 || leaf0d is null) return (null, errors);

        var (flags, fromDump) = ReadFlags(e, leaf1, leaf7!, leaf0d);
        var profile = new CpuProfile
        {
            Id = id,
            Vendor = vendor!,
            Name = name,
            Codename = OptionalString("codename"),
            Category = OptionalString("category"),
            Family = family,
            Model = model,
            Stepping = stepping,
            MicrocodeRevision = OptionalHex("microcode"),
            Source = source,
            Leaf0D = leaf0d,
            Leaf1 = leaf1,
            Leaf7 = leaf7 ?? new Dictionary<int, CpuidRegs>(),
            Flags = flags,
            FlagsFromDump = fromDump,
            XcrSupported = xcr,
            XssSupported = xss,
            DeclaredClean = clean,
            DeclaredAnomalies = anomalies,
            Notes = OptionalString("notes") ?? "",
            File = file,
        };
        return (profile with { Findings = ProfileConsistency.Check(profile) }, errors);

        void Fail(string code, string field, string message, int? subLeaf = null) =>
            errors.Add(new(DiagnosticSeverity.Error, code, message, id, file, field, subLeaf));

        string? RequiredString(string field)
        {
            if (e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(v.GetString()))
                return v.GetString();
            Fail("missing-field", field, $"required string field '{field}' is missing or empty");
            return null;
        }

        string? OptionalString(string field) =>
            e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        int OptionalInt(string field)
        {
            // Absent or null: unknown (transcribed profiles from mailing lists do not always name the signature).
            if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
            Fail("bad-field", field, $"'{field}' must be an integer, found {v.GetRawText()}");
            return 0;
        }

        uint? OptionalHex(string field)
        {
            // R38a: absent = the dump did not record it (unknown); otherwise a "0x..." string of at most 32 bits.
            if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String && v.GetString()!.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
                FeatureMask.TryParseHex(v.GetString(), out var m) && m.Bits <= uint.MaxValue)
                return (uint)m.Bits;
            Fail("bad-field", field, $"'{field}' must be a hex string of at most 32 bits, found {v.GetRawText()}");
            return null;
        }

        FeatureMask RequiredMask(string field)
        {
            if (e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String &&
                FeatureMask.TryParseHex(v.GetString(), out var m))
                return m;
            Fail("missing-field", field, $"'{field}' must be a hex string such as \"0x2e7\"");
            return FeatureMask.None;
        }

        Dictionary<int, CpuidRegs>? ParseLeaf(string field, bool required, int maxSubLeaf)
        {
            if (!e.TryGetProperty(field, out var leaf))
            {
                if (required) Fail("missing-field", field, $"required object '{field}' (sub-leaf -> [eax, ebx, ecx, edx]) is missing");
                return required ? null : new Dictionary<int, CpuidRegs>();
            }
            if (leaf.ValueKind != JsonValueKind.Object)
            {
                Fail("bad-field", field, $"'{field}' must be an object keyed by sub-leaf number");
                return null;
            }
            var result = new Dictionary<int, CpuidRegs>();
            foreach (var prop in leaf.EnumerateObject())
            {
                if (!int.TryParse(prop.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var sub) || sub > maxSubLeaf)
                {
                    Fail("bad-subleaf", field, $"'{field}' has key \"{prop.Name}\": sub-leaf keys are decimal numbers 0..{maxSubLeaf}");
                    continue;
                }
                var regs = ParseRegs(prop.Value, $"{field}[\"{prop.Name}\"]", field == "leaf0d" ? sub : null);
                if (regs is { } r) result[sub] = r;
            }
            return result;
        }

        CpuidRegs? ParseRegs(JsonElement value, string where, int? subLeaf)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 4)
            {
                Fail("bad-registers", where, $"{where} must be an array of four register strings [eax, ebx, ecx, edx]", subLeaf);
                return null;
            }
            var r = new uint[4];
            int k = 0;
            foreach (var item in value.EnumerateArray())
            {
                var s = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (s is null || !s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || s.Length is < 3 or > 10 ||
                    !uint.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out r[k]))
                {
                    Fail("bad-registers", where, $"{where} register {"abcd"[k]} is {item.GetRawText()}, not a 32-bit hex string like \"0x00000240\"", subLeaf);
                    return null;
                }
                k++;
            }
            return new CpuidRegs(r[0], r[1], r[2], r[3]);
        }
    }

    /// <summary>
    /// The feature flags: decoded from the dumped raw leaves where present (leaf 1 EDX/ECX, leaf 7.0 EBX/ECX/EDX,
    /// leaf 7.1 EDX) and the curator's decoded flags for the rest. Transcribed profiles without leaves 1/7 get flags
    /// inferred from leaf 0xD (every enumerated component's feature present), which the caller is told about.
    /// </summary>
    private static (CpuFeatureFlags, bool) ReadFlags(JsonElement e, CpuidRegs? leaf1, Dictionary<int, CpuidRegs> leaf7,
        Dictionary<int, CpuidRegs> leaf0d)
    {
        bool Flag(string obj, string name) =>
            e.TryGetProperty(obj, out var o) && o.ValueKind == JsonValueKind.Object &&
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

        if (leaf1 is { } l1)
        {
            var l70 = leaf7.GetValueOrDefault(0);
            var l71 = leaf7.GetValueOrDefault(1);
            return (new CpuFeatureFlags
            {
                Fpu = (l1.Edx & (1u << 0)) != 0,
                Fxsr = (l1.Edx & (1u << 24)) != 0,
                Xmm = (l1.Edx & (1u << 25)) != 0,
                Xsave = (l1.Ecx & (1u << 26)) != 0,
                Avx = (l1.Ecx & (1u << 28)) != 0,
                Hypervisor = (l1.Ecx & (1u << 31)) != 0,
                Mpx = (l70.Ebx & (1u << 14)) != 0,
                Avx512F = (l70.Ebx & (1u << 16)) != 0,
                IntelPt = (l70.Ebx & (1u << 25)) != 0,
                Pku = (l70.Ecx & (1u << 3)) != 0,
                Ospke = (l70.Ecx & (1u << 4)) != 0,
                Shstk = (l70.Ecx & (1u << 7)) != 0,
                Enqcmd = (l70.Ecx & (1u << 29)) != 0,
                Uintr = (l70.Edx & (1u << 5)) != 0,
                Ibt = (l70.Edx & (1u << 20)) != 0,
                AmxTile = (l70.Edx & (1u << 24)) != 0,
                ArchLbr = (l70.Edx & (1u << 19)) != 0,
                Apx = (l71.Edx & (1u << 21)) != 0,
                Hwp = Flag("leaf6_flags", "hwp"),
                Hdc = Flag("leaf6_flags", "hdc"),
                Lwp = Flag("ext_80000001_flags", "lwp"),
            }, true);
        }

        var all = FeatureMask.FromHalves(leaf0d.GetValueOrDefault(0).Eax, leaf0d.GetValueOrDefault(0).Edx) |
                  FeatureMask.FromHalves(leaf0d.GetValueOrDefault(1).Ecx, leaf0d.GetValueOrDefault(1).Edx);
        return (new CpuFeatureFlags
        {
            Avx = all.Contains(XFeature.Ymm),
            Mpx = all.Overlaps(ArchMasks.Mpx),
            Avx512F = all.Overlaps(ArchMasks.Avx512),
            IntelPt = all.Contains(XFeature.Pt),
            Pku = all.Contains(XFeature.Pkru),
            Ospke = all.Contains(XFeature.Pkru),
            Enqcmd = all.Contains(XFeature.Pasid),
            Shstk = all.Overlaps(ArchMasks.Cet),
            Ibt = all.Overlaps(ArchMasks.Cet),
            Uintr = all.Contains(XFeature.Uintr),
            ArchLbr = all.Contains(XFeature.Lbr),
            AmxTile = all.Overlaps(ArchMasks.Xtile),
            Apx = all.Contains(XFeature.Apx),
            Hwp = all.Contains(XFeature.Hwp),
            Hdc = all.Contains(XFeature.Hdc),
            Lwp = all.Contains(XFeature.Lwp),
        }, false);
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends " Path: $ | LineNumber: n | BytePositionInLine: m." — the position is already said.
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message.TrimEnd();
    }
}
