using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Xsave.Optimized.MutationTests.Laws;

/// <summary>
/// An FsCheck runner that stops at the first failing case instead of shrinking it: under mutation only "does the law
/// fail" matters, and shrinking a kernel scenario would cost each killed mutant seconds. FsCheck calls OnShrink only
/// after a case failed, so throwing there ends the run with that case.
/// </summary>
internal sealed class FailFastRunner : IRunner
{
    public TestResult? Result { get; private set; }
    public int Cases { get; private set; }

    public void OnStartFixture(Type t) { }

    public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every) => Cases++;

    public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink) =>
        throw new LawFailedException($"failed at case {Cases} (not shrunk): {Runner.argumentsToString(args)}");

    public void OnFinished(string name, TestResult result) => Result = result;
}

internal sealed class LawFailedException(string message) : Exception(message);
