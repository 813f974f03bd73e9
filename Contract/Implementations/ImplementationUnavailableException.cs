namespace Xsave.Contract.Implementations;

/// <summary>
/// The implementation could not answer at all — its process failed to start, died, hung or spoke garbage — as
/// opposed to answering wrongly. The harness reports it as a harness error, never as a divergence. The message says
/// which request, the exit status and the last lines the process wrote to stderr.
/// </summary>
public class ImplementationUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
