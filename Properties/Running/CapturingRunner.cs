using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Xsave.Properties.Running;

/// <summary>An FsCheck IRunner that keeps the result instead of printing it (FSCHECK.md §5).</summary>
internal sealed class CapturingRunner : IRunner
{
    public TestResult? Result { get; private set; }
    public int Cases { get; private set; }
    public int Shrinks { get; private set; }

    public void OnStartFixture(Type t) { }

    public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every) => Cases++;

    public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink) => Shrinks++;

    public void OnFinished(string name, TestResult result) => Result = result;
}
