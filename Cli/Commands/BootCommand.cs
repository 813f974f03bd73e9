using System.CommandLine;
using Spectre.Console;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;
using static Xsave.Cli.Composition.ImplementationRegistry;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'boot': what the Linux FPU setup (SPEC R30-R45) derives for one CPU under one CET supervisor policy — the kernel,
/// user and guest configurations and XCR0/IA32_XSS, as an implementation's boot summary reports them. (The oracle's
/// boot log lines are not part of the contract, so they are not shown.)
/// </summary>
public static class BootCommand
{
    public const string Name = "boot";

    public sealed record Settings(string Cpu, CetSupervisorPolicy Policy, bool Json, ProfileResolver Profiles, string? Implementation = null,
        CpuidFlags ClearCpuid = CpuidFlags.None, bool NoXsave = false, bool NoXsaves = false, bool NoXsaveopt = false);

    public static Command Create(CliContext context)
    {
        var cpu = CommonOptions.Cpu();
        var policy = new Option<CetSupervisorPolicy?>("--policy")
        {
            Description = "CET supervisor policy: merged (default, CET_KERNEL guest-only), all-tasks or none.",
            HelpName = "merged|all-tasks|none",
            CustomParser = result =>
            {
                var text = string.Join(" ", result.Tokens.Select(t => t.Value));
                if (BootReport.TryParsePolicy(text, out var parsed)) return parsed;
                result.AddError($"--policy '{text}' is not one of merged, all-tasks, none");
                return null;
            },
        };
        var clearcpuid = new Option<CpuidFlags?>("--clearcpuid")
        {
            Description = "Kernel command line clearcpuid=: capabilities cleared before the FPU setup, with their cpuid-deps dependents.",
            HelpName = "avx,xsaves,...",
            CustomParser = result =>
            {
                var flags = CpuidFlags.None;
                foreach (var word in string.Join(",", result.Tokens.Select(t => t.Value)).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (CpuidFlagNames.TryParse(word, out var flag)) flags |= flag;
                    else result.AddError($"--clearcpuid '{word}' is not a modelled capability (names or numbers: {CpuidFlagNames.Help})");
                }
                return flags;
            },
        };
        var noxsave = new Option<bool>("--noxsave") { Description = "Kernel command line noxsave." };
        var noxsaves = new Option<bool>("--noxsaves") { Description = "Kernel command line noxsaves (clears XSAVES, so XFD, AMX, SHSTK, ENQCMD)." };
        var noxsaveopt = new Option<bool>("--noxsaveopt") { Description = "Kernel command line noxsaveopt." };
        var json = CommonOptions.Json();
        var corpus = CommonOptions.Cpus();
        var impl = ImplementationOption.Create(OracleName, "The implementation that boots");
        var command = new Command(Name, "Linux FPU boot configuration of a CPU: kernel/user/guest features and sizes, XCR0, XSS.")
        {
            cpu, policy, json, corpus, impl, clearcpuid, noxsave, noxsaves, noxsaveopt,
        };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(cpu)!,
            parse.GetValue(policy) ?? CetSupervisorPolicy.Merged, parse.GetValue(json),
            ProfileResolver.For(parse.GetValue(corpus), context), parse.GetValue(impl),
            parse.GetValue(clearcpuid) ?? CpuidFlags.None, parse.GetValue(noxsave), parse.GetValue(noxsaves), parse.GetValue(noxsaveopt))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (ImplementationOption.Resolve(context, Name, settings.Implementation, OracleName, ContractPart.LinuxBoot) is not { } implementation)
            return ExitCodes.InputError;
        using var owned = implementation as IDisposable;
        if (CorpusProblems.Resolve(context, settings.Profiles, settings.Cpu) is not { } profile) return ExitCodes.InputError;
        var config = KernelConfig.Default with
        {
            Policy = settings.Policy, ClearCpuid = settings.ClearCpuid, NoXsave = settings.NoXsave,
            NoXsaves = settings.NoXsaves, NoXsaveopt = settings.NoXsaveopt,
        };
        var boot = implementation.Boot(profile.ToCpuModel(), config).Boot;
        var report = BootReport.From(boot, profile.Id, settings.Policy);

        if (settings.Json) JsonReport.Write(context.Out, report);
        else Render(context, report, boot);
        return CorpusProblems.Finish(context, settings.Profiles, ExitCodes.Ok);
    }

    private static void Render(CliContext context, BootReport report, BootSummary boot)
    {
        var console = Consoles.For(context);
        console.WriteLine($"{report.Cpu}  policy {report.Policy}");
        if (boot.Failed)
        {
            // Nothing after XSETBV exists: no configuration to show.
            console.WriteLine($"BOOT FAILED: {boot.Failure}");
            console.WriteLine($"XCR0      {report.Xcr0,-12} {boot.Xcr0.Describe()} (refused)");
            return;
        }
        console.WriteLine(report.Xsave
            ? $"XSAVE     in use, {(report.Compacted ? "compacted" : "standard")} format"
            : $"XSAVE     not used: {report.DisabledReason}");
        console.WriteLine($"XCR0      {report.Xcr0,-12} {boot.Xcr0.Describe()}");
        console.WriteLine($"IA32_XSS  {report.Xss,-12} {boot.Xss.Describe()}");

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("config").AddColumn("max features").AddColumn("default features")
            .AddColumn(new TableColumn("max size").RightAligned()).AddColumn(new TableColumn("default size").RightAligned());
        table.AddRow(Consoles.Plain("fpu_kernel_cfg"), Consoles.Plain(report.Kernel.MaxFeatures), Consoles.Plain(report.Kernel.DefaultFeatures),
            Consoles.Plain(report.Kernel.MaxSize.ToString()), Consoles.Plain(report.Kernel.DefaultSize.ToString()));
        table.AddRow(Consoles.Plain("fpu_user_cfg"), Consoles.Plain(report.User.MaxFeatures), Consoles.Plain(report.User.DefaultFeatures),
            Consoles.Plain(report.User.MaxSize.ToString()), Consoles.Plain(report.User.DefaultSize.ToString()));
        table.AddRow(Consoles.Plain("guest_default_cfg"), Consoles.Plain("-"), Consoles.Plain(report.Guest.Features),
            Consoles.Plain("-"), Consoles.Plain(report.Guest.Size.ToString()));
        console.Write(table);
        console.WriteLine($"independent features {report.Kernel.IndependentFeatures}");
    }
}
