using System.CommandLine;
using Xsave.Cli.Kernel;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'kernel': the running Linux kernel and CPU against the oracle's predictions for this host (issue 14). The native
/// helper (native/kernel-probe) observes; every expected value comes from the oracle booted on the live CPU model with
/// the detected kernel configuration. Exit 1 when any check disagrees.
/// </summary>
public static class KernelCommand
{
    public const string Name = "kernel";

    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var all = new Option<bool>("--all") { Description = "List agreeing checks too (the table shows only disagreements and skips by default)." };
        var group = new Option<string[]>("--group")
        {
            Description = $"Run only these groups ({string.Join(", ", KernelChecks.Groups)}); cpu always runs first to describe the host.",
            AllowMultipleArgumentsPerToken = true,
        };
        var timeout = new Option<double?>("--probe-timeout") { Description = "Seconds a probe group may run before it is killed (default 60)." };
        var impl = new Option<string?>("--impl")
        {
            Description = "kernel (default: this machine) or qemu-user:MODEL: the CPU-level groups (cpu, xsave) with the probe under " +
                          "qemu-x86_64 -cpu MODEL (XSAVE_QEMU names another binary); the kernel-level groups are skipped.",
        };
        var command = new Command(Name, "Checks the running kernel and CPU against the oracle's predictions for this host.") { json, all, group, timeout, impl };
        command.SetAction(parse => Run(context, parse.GetValue(json), parse.GetValue(all), parse.GetValue(group) ?? [], parse.GetValue(timeout),
            impl: parse.GetValue(impl)));
        return command;
    }

    public static int Run(CliContext context, bool json, bool all, IReadOnlyCollection<string> groups, double? timeoutSeconds = null, ProbeRunner? runner = null,
        string? impl = null)
    {
        if (groups.FirstOrDefault(g => !KernelChecks.Groups.Contains(g)) is { } unknown)
        {
            context.Error.WriteLine($"kernel: --group '{unknown}' is not one of {string.Join(", ", KernelChecks.Groups)}");
            return ExitCodes.InputError;
        }
        if (timeoutSeconds is <= 0 or > 3600)
        {
            context.Error.WriteLine($"kernel: --probe-timeout {timeoutSeconds} is not between 0 and 3600 seconds");
            return ExitCodes.InputError;
        }
        if (runner is null)
        {
            runner = KernelTarget.Runner(impl, timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null, out var error, context.Environment);
            if (runner is null)
            {
                context.Error.WriteLine($"kernel: --impl {error}");
                return ExitCodes.InputError;
            }
        }
        var report = KernelReport.From(KernelChecks.Run(runner, groups));
        if (json) JsonReport.Write(context.Out, report);
        else KernelView.Render(context, report, all);
        return report.Summary.Disagree > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }
}
