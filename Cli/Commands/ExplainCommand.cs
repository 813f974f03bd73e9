using System.CommandLine;
using Xsave.Cli.Fuzz;
using Xsave.Cli.Composition;
using Xsave.Cli.Rendering;
using Xsave.Cli.Rendering.Html;
using Xsave.Cli.Reports;
using Xsave.Gate.Regressions;
using Xsave.Properties;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'explain FILE': a regression case for a person: the law, the input, the event sequence, and the oracle's answer
/// next to the implementation's with the differing fields marked. The recorded answers by default; --impl asks that
/// implementation again now. Exit 0, or 2 when the file is bad input.
/// </summary>
public static class ExplainCommand
{
    public const string Name = "explain";

    public sealed record Settings(string File, string? Implementation, string CpusDirectory, bool Json, string? Html = null);

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The regression file to explain." };
        var impl = GateOptions.Implementation();
        impl.Description = "Ask this implementation again now instead of showing the recorded answer. " + impl.Description;
        var cpus = GateOptions.Cpus();
        var json = CommonOptions.Json();
        var html = HtmlOption.Create();
        var command = new Command(Name, "Show a regression case: input, events, oracle vs implementation side by side.") { file, impl, cpus, json, html };
        command.SetAction(parse => Run(context, new Settings(parse.GetValue(file)!, parse.GetValue(impl),
            GateOptions.CpusDirectory(parse.GetValue(cpus), context), parse.GetValue(json), parse.GetValue(html))));
        return command;
    }

    public static int Run(CliContext context, Settings settings)
    {
        if (settings.Html is { } htmlPath && HtmlTarget.Problem(htmlPath) is { } htmlProblem)
        {
            context.Error.WriteLine($"error: {htmlProblem}");
            return ExitCodes.InputError;
        }
        PropertyContext? recompute = null;
        if (settings.Implementation is not null &&
            !GateComposition.TryCreateContext(GateOptions.Registry, settings.Implementation, settings.CpusDirectory, out recompute, out var contextError))
        {
            context.Error.WriteLine($"error: {contextError}");
            return ExitCodes.InputError;
        }
        using var owned = recompute?.Subject as IDisposable;
        if (!RegressionCase.TryLoad(Path.GetFullPath(settings.File), FuzzCatalog.All, out var loaded, out var error))
        {
            context.Error.WriteLine($"error: {error}");
            return ExitCodes.InputError;
        }
        var explanation = Explainer.Explain(loaded!, recompute);
        if (settings.Json) JsonReport.Write(context.Out, ExplainJson.From(explanation));
        else ExplainView.Render(context, explanation);
        if (settings.Html is { } page && HtmlTarget.Write(page, ExplainHtml.Render(explanation)) is { } writeError)
        {
            context.Error.WriteLine($"error: {writeError}");
            return ExitCodes.InputError;
        }
        return ExitCodes.Ok;
    }
}
