using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using Xsave.Bench;

// Issue 4's benchmarks. Run in Release:
//   dotnet run -c Release --project Bench -- --filter '*'
// The job runs in process (no generated project is built, so nothing is written next to the sources) with a short
// schedule: 4 warm-up and 10 measured iterations of about 250 ms per case, a few minutes for all cases on 2 cores.
// BenchmarkDotNet's artifacts go to $TMPDIR/xsave-bench unless --artifacts says otherwise; the BENCHMARKS.md table is
// printed at the end and written there as xsave-summary.md.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(4)
    .WithIterationCount(10)
    .WithIterationTime(TimeInterval.FromMilliseconds(250))
    .WithId("ShortInProcess");
var config = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40))
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "xsave-bench"));

var summary = BenchmarkRunner.Run<OperationBenchmarks>(config, args);
var table = BenchmarksTable.Markdown(summary);
Directory.CreateDirectory(summary.ResultsDirectoryPath);
var file = Path.Combine(summary.ResultsDirectoryPath, "xsave-summary.md");
File.WriteAllText(file, $"CPU profile: {BenchSubjects.CpuFile}\n\n{table}");
Console.WriteLine();
Console.WriteLine($"CPU profile: {BenchSubjects.CpuFile}");
Console.WriteLine(table);
Console.WriteLine($"(also in {file})");
return summary.HasCriticalValidationErrors ? 1 : 0;
