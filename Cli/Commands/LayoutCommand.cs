using System.CommandLine;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Rendering.Html;
using Xsave.Cli.Reports;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using static Xsave.Cli.Composition.ImplementationRegistry;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'layout': the standard and compacted XSAVE layouts of one CPU for an (XCR0, IA32_XSS) pair (SPEC R14, R15), and
/// whether the pair is valid (R8-R10). Invalid pairs still get their layouts, with the reasons, and exit 2.
/// </summary>
public static class LayoutCommand
{
    public const string Name = "layout";

    /// <summary>Null masks mean the CPU's supported sets (CPUID.(0xD,0).EDX:EAX and CPUID.(0xD,1).EDX:ECX).</summary>
    public sealed record Settings(string Cpu, FeatureMask? Xcr0, FeatureMask? Xss, bool Json, ProfileResolver Profiles,
        string? Implementation = null, string? Html = null);

    /// <summary>The part of the contract 'layout' asks: sizes and layouts, and XCR0/IA32_XSS validity.</summary>
    public const ContractPart Needs = ContractPart.Layout | ContractPart.RegisterValidity;

    public static Command Create(CliContext context)
    {
        var cpu = CommonOptions.Cpu();
        var xcr0 = CommonOptions.Mask("--xcr0", "XCR0 value (default: every XCR0 bit the CPU supports).");
        var xss = CommonOptions.Mask("--xss", "IA32_XSS value (default: every XSS bit the CPU supports).");
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Cpus();
        var impl = ImplementationOption.Create(OracleName, "The implementation that answers");
        var html = HtmlOption.Create();
        var command = new Command(Name, "Standard and compacted XSAVE layouts of a CPU for an XCR0/IA32_XSS pair.")
        {
            cpu, xcr0, xss, json, corpus, impl, html,
        };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(cpu)!, parse.GetValue(xcr0), parse.GetValue(xss),
            parse.GetValue(json), ProfileResolver.For(parse.GetValue(corpus), context), parse.GetValue(impl), parse.GetValue(html))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (settings.Html is { } htmlPath && HtmlTarget.Problem(htmlPath) is { } htmlProblem)
        {
            context.Error.WriteLine($"error: {htmlProblem}");
            return ExitCodes.InputError;
        }
        if (ImplementationOption.Resolve(context, Name, settings.Implementation, OracleName, Needs) is not { } implementation)
            return ExitCodes.InputError;
        using var owned = implementation as IDisposable;
        if (CorpusProblems.Resolve(context, settings.Profiles, settings.Cpu) is not { } profile) return ExitCodes.InputError;
        var cpu = profile.ToCpuModel();
        var report = LayoutReport.Build(profile, implementation.Architecture(cpu), settings.Xcr0 ?? cpu.SupportedXcr0, settings.Xss ?? cpu.SupportedXss);

        if (settings.Json) JsonReport.Write(context.Out, report);
        else LayoutView.Render(context, report);
        if (settings.Html is { } page && HtmlTarget.Write(page, LayoutHtml.Render(report)) is { } writeError)
        {
            context.Error.WriteLine($"error: {writeError}");
            return ExitCodes.InputError;
        }
        // Exit 2 is always said on stderr too: which value, on which CPU, and the first broken rule.
        if (!report.Valid)
            context.Error.WriteLine($"error: {settings.Cpu}: XCR0 {report.Xcr0} / IA32_XSS {report.Xss} would be refused: " +
                                    string.Join("; ", report.Errors));
        return CorpusProblems.Finish(context, settings.Profiles, report.Valid ? ExitCodes.Ok : ExitCodes.InputError);
    }
}
