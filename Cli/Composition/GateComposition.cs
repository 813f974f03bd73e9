using Xsave.Gate;
using Xsave.Gate.Running;
using Xsave.Properties;

namespace Xsave.Cli.Composition;

/// <summary>
/// The gate verbs' wiring: resolve the --impl name through a registry, then hand the subject and the reference
/// (the oracle) to the engine, which never names an implementation itself.
/// </summary>
public static class GateComposition
{
    public static bool TryCreateContext(ImplementationRegistry registry, string? implementation, string cpusDirectory,
        out PropertyContext? context, out GateError? error)
    {
        context = null;
        var subject = registry.Resolve(implementation);
        if (subject.Error is not null) { error = subject.Error; return false; }
        return GateContext.TryCreate(subject.Implementation!, ImplementationRegistry.Reference(), cpusDirectory, out context, out error);
    }

    public static bool TryCreatePlan(CheckSettings settings, ImplementationRegistry registry, out CheckPlan? plan, out GateError? error) =>
        TryCreatePlan(settings, registry, Catalog.All, out plan, out error);

    public static bool TryCreatePlan(CheckSettings settings, ImplementationRegistry registry, IReadOnlyList<ConformanceProperty> catalogue,
        out CheckPlan? plan, out GateError? error)
    {
        plan = null;
        var subject = registry.Resolve(settings.Implementation);
        if (subject.Error is not null) { error = subject.Error; return false; }
        return CheckPlan.TryCreate(settings, subject.Implementation!, ImplementationRegistry.Reference(), catalogue, out plan, out error);
    }
}
