namespace Xsave.BenchCore;

/// <summary>
/// One benchmark operation bound to one implementation, with its inputs already built. <see cref="Run"/> performs the
/// operation <c>count</c> times in a plain loop (so the per-call cost of a delegate or of the harness is not part of
/// the measurement) and returns a checksum of the answers, which the caller keeps so the work cannot be optimized away.
/// </summary>
public interface IOperationLoop
{
    long Run(int count);
}
