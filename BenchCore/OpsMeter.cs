using System.Diagnostics;

namespace Xsave.BenchCore;

/// <summary>
/// The short in-process measurement of the 'bench' verb: run a loop in batches for a warm-up period (so the JIT
/// reaches its optimized tier), then for a fixed time, and report operations per second. Seconds, not minutes; for
/// careful numbers use the BenchmarkDotNet project.
/// </summary>
public static class OpsMeter
{
    /// <summary>A batch should take about this long, so the clock is read rarely compared with the work.</summary>
    private static readonly TimeSpan BatchTarget = TimeSpan.FromMilliseconds(1);

    // Where checksums go, so no loop is dead code.
    private static long _sink;

    public static long Sink => Volatile.Read(ref _sink);

    public static double OpsPerSecond(IOperationLoop loop, TimeSpan warmup, TimeSpan measure)
    {
        int batch = Calibrate(loop);
        Spin(loop, batch, warmup);
        var (ops, elapsed) = Spin(loop, batch, measure);
        return ops / Math.Max(elapsed.TotalSeconds, 1e-9);
    }

    /// <summary>
    /// Bytes the loop allocates per operation on this thread, after it has run warm (its optimized tier): the
    /// "stop allocating" target of issue 16 is 0.
    /// </summary>
    public static double BytesPerOperation(IOperationLoop loop, int operations = 4096)
    {
        Consume(loop.Run(operations)); // warm: lazily built tables are not the steady state
        long before = GC.GetAllocatedBytesForCurrentThread();
        Consume(loop.Run(operations));
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / operations;
    }

    // Doubles the batch until one takes BatchTarget (or one operation alone is slower than that).
    private static int Calibrate(IOperationLoop loop)
    {
        int batch = 1;
        while (batch < 1 << 24)
        {
            long start = Stopwatch.GetTimestamp();
            Consume(loop.Run(batch));
            if (Stopwatch.GetElapsedTime(start) >= BatchTarget) break;
            batch *= 2;
        }
        return batch;
    }

    private static (long Ops, TimeSpan Elapsed) Spin(IOperationLoop loop, int batch, TimeSpan duration)
    {
        long ops = 0;
        long start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            Consume(loop.Run(batch));
            ops += batch;
            elapsed = Stopwatch.GetElapsedTime(start);
        } while (elapsed < duration);
        return (ops, elapsed);
    }

    private static void Consume(long checksum) => Interlocked.Add(ref _sink, checksum);
}
