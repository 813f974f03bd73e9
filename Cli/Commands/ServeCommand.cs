using System.CommandLine;
using System.Text;
using Xsave.Cli.Composition;
using Xsave.Cli.Serve;
using Xsave.Contract.Implementations;

namespace Xsave.Cli.Commands;

/// <summary>
/// 'serve': exposes an implementation of this process over the process protocol (docs/protocol.md) on stdin/stdout,
/// until stdin ends. With it, any registered implementation can be checked through the protocol
/// (--impl process:"xsave-conformance serve --impl NAME"), which is how the protocol itself is tested.
/// </summary>
public static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create(CliContext context)
    {
        var impl = ImplementationOption.Create(ImplementationRegistry.DefaultName, "The implementation to serve");
        var command = new Command(Name, "Answer the process protocol (docs/protocol.md) on stdin/stdout for an implementation.") { impl };
        command.SetAction(parse => Run(context, parse.GetValue(impl)));
        return command;
    }

    /// <param name="input">The requests (null: this process's stdin).</param>
    public static int Run(CliContext context, string? implementation, TextReader? input = null)
    {
        if (ImplementationOption.Resolve(context, Name, implementation, ImplementationRegistry.DefaultName, ContractPart.None) is not { } subject)
            return ExitCodes.InputError;
        using var owned = subject as IDisposable;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        // The real stdout is written directly (one flush per response), not through the console's writer.
        bool console = ReferenceEquals(context.Out, Console.Out);
        using var reader = input is null ? new StreamReader(Console.OpenStandardInput(), utf8) : null;
        using var writer = console ? new StreamWriter(Console.OpenStandardOutput(), utf8) : null;
        try
        {
            new ProtocolServer(subject).Serve(input ?? reader!, writer ?? context.Out);
        }
        catch (IOException)
        {
            // The runner closed our stdout (it stopped or was killed): nothing left to answer.
        }
        return ExitCodes.Ok;
    }
}
