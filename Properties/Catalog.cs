using Xsave.Properties.Laws;

namespace Xsave.Properties;

/// <summary>Every property of the suite, in a stable order. Names are unique and never reused for another law.</summary>
public static class Catalog
{
    public static IReadOnlyList<ConformanceProperty> All { get; } = Build();

    private static List<ConformanceProperty> Build()
    {
        var all = LayoutLaws.All().Concat(RegisterLaws.All()).Concat(InstructionLaws.All()).Concat(XrstorDefectLaws.All()).Concat(XsaveoptLaws.All()).Concat(UnspecifiedLaws.All())
            .Concat(ErratumLaws.All())
            .Concat(KernelDifferentialLaws.All()).Concat(KernelInvariantLaws.All()).Concat(KernelMetamorphicLaws.All())
            .Concat(KvmCpuidLaws.All()).Concat(PkruLaws.All())
            .Concat(KvmPkruLaws.All()).Concat(KvmInitLaws.All()).Concat(KvmUabiSizeLaws.All()).Concat(XfdDeathLaws.All())
            .Concat(SignalLaws.All()).Concat(AltstackLaws.All()).Concat(LifecycleLaws.All()).Concat(GuestWriteLaws.All()).Concat(BootOptionLaws.All()).ToList();
        var duplicate = all.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"property name '{duplicate.Key}' is used twice");
        return all;
    }

    public static ConformanceProperty? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
