using System.CommandLine;
using System.Globalization;
using Xsave.BenchCore;
using Xsave.Cli.Profiles;
using Xsave.Cli.Rendering;
using Xsave.Cli.Reports;
using Xsave.Cli.Composition;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'bench': a short in-process measurement (seconds) of issue 4's benchmark operations (<see cref="OperationCatalogue"/>),
/// the oracle vs --impl (default optimized) in the same run, on the Sapphire Rapids profile unless --cpu says otherwise. An operation an
/// implementation does not support is reported as such, never a crash. The careful numbers are BenchmarkDotNet's
/// (Bench/, BENCHMARKS.md).
/// </summary>
public static class BenchCommand
{
    public const string Name = "bench";

    /// <summary>Measuring time per implementation and operation (half of it again for warm-up): about 16 s in all.</summary>
    public const double DefaultSeconds = 0.5;

    public const double MaxSeconds = 60;

    public sealed record Settings(string Cpu, double Seconds, bool Json, ProfileResolver Profiles, string? Implementation = null,
        int? LawCases = null);

    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var seconds = new Option<double>("--seconds")
        {
            Description = "Measuring time per implementation and operation, in seconds (half of it again is spent " +
                          "warming up; the default takes about 16 s in all).",
            HelpName = "S",
            DefaultValueFactory = _ => DefaultSeconds,
            CustomParser = result =>
            {
                var text = string.Join(" ", result.Tokens.Select(t => t.Value));
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= MaxSeconds)
                    return value;
                result.AddError($"--seconds '{text}' is not a number of seconds more than 0 and at most {MaxSeconds.ToString(CultureInfo.InvariantCulture)}");
                return DefaultSeconds;
            },
        };
        var cpu = new Option<string>("--cpu")
        {
            Description = "A corpus profile id or profile file to measure on (the default has AMX, so ARCH_REQ_XCOMP_PERM(18) succeeds).",
            HelpName = "PROFILE",
            DefaultValueFactory = _ => OperationCatalogue.DefaultCpu,
        };
        var corpus = CommonOptions.Cpus();
        var impl = ImplementationOption.Create(ImplementationRegistry.DefaultName, "The implementation measured against the oracle");
        var laws = new Option<int?>("--laws")
        {
            Description = "Instead: the gate's throughput, each law in rounds of 100 for at least N cases and --seconds " +
                          "(after a warm-up of every law for --seconds), as cases/s and as a ratio to FsCheck's runner " +
                          "on a trivial property measured in rounds alternating with the law's (issue 16).",
            HelpName = "N",
        };
        var command = new Command(Name, "Quick in-process benchmark: ops/s of the oracle and an implementation (optimized by default) per operation.")
        {
            json, seconds, cpu, corpus, impl, laws,
        };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(cpu)!, parse.GetValue(seconds), parse.GetValue(json),
            ProfileResolver.For(parse.GetValue(corpus), context), parse.GetValue(impl), parse.GetValue(laws))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (settings.LawCases is { } lawCases) return BenchLaws.Run(context, settings, lawCases);
        // No part is required: an operation the implementation does not declare is reported as not available.
        if (ImplementationOption.Resolve(context, Name, settings.Implementation, ImplementationRegistry.DefaultName, ContractPart.None) is not { } subject)
            return ExitCodes.InputError;
        using var owned = subject as IDisposable;
        if (CorpusProblems.Resolve(context, settings.Profiles, settings.Cpu) is not { } profile) return ExitCodes.InputError;
        var cpu = profile.ToCpuModel();
        var measure = TimeSpan.FromSeconds(settings.Seconds);

        if (settings.Json)
        {
            var results = BenchComparison.Run(cpu, ImplementationRegistry.Reference(), subject, measure);
            JsonReport.Write(context.Out, BenchReport.Build(results));
        }
        else
        {
            var results = BenchView.WithProgress(context,
                progress => BenchComparison.Run(cpu, ImplementationRegistry.Reference(), subject, measure, progress));
            BenchView.Render(context, profile.Id, subject.Name, measure, results);
        }
        return CorpusProblems.Finish(context, settings.Profiles, ExitCodes.Ok);
    }
}
