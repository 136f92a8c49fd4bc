using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using StaticSeq2Seq.Benchmarks;
using StaticSeq2Seq.Benchmarks.Peers;

// One command, one table: StaticSeq2Seq, PyTorch and ONNX Runtime measured in the same run on one thread each.
//   dotnet run -c Release --project bench/StaticSeq2Seq.Benchmarks.Peers            # short run (CI), a few minutes
//   dotnet run -c Release --project bench/StaticSeq2Seq.Benchmarks.Peers -- --full  # full run
var full = args.Contains("--full");
if (args.Any(a => a is not ("--full" or "--short")))
{
    Console.Error.WriteLine("Usage: StaticSeq2Seq.Benchmarks.Peers [--short | --full]  (short is the default)");
    return 2;
}
var root = RepositoryRoot();
var scratch = Path.Combine(Path.GetTempPath(), $"staticseq2seq-bench-{Environment.ProcessId}");
var onnxDirectory = Path.Combine(scratch, "onnx");

var torch = new Dictionary<string, TorchResult>();
foreach (var config in new[] { "S", "M" })
{
    Console.WriteLine($"PyTorch peer, configuration {config} ...");
    torch[config] = TorchPeer.Run(root, config, iterations: full ? 30 : 15, iterationSeconds: 0.25, onnxDirectory);
}

OnnxDecodeBenchmarks.ModelDirectory = onnxDirectory;
// Iterations of at least 250 ms in both runs. M's fp32 greedy decode depends on the harness's iteration length in
// this process (5.8 ms per decode with 50 ms iterations, 5.3 ms with 250 ms, 3.5 ms in the suite's default job, the
// same build), for a reason not yet found; longer iterations are the nearer to a loop of back-to-back decodes.
var job = (full ? Job.Default : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithEnvironmentVariable("OMP_NUM_THREADS", "1");
var benchmarkConfig = DefaultConfig.Instance
    .AddJob(job.AsDefault())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(scratch, "artifacts"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var summaries = BenchmarkRunner.Run([typeof(MachineLimitBenchmarks), typeof(DecodeAndTrainBenchmarks), typeof(DataParallelTrainingBenchmarks), typeof(OnnxDecodeBenchmarks)], benchmarkConfig);
var reports = summaries.SelectMany(s => s.Reports).ToArray();
if (reports.Any(r => !r.Success))
{
    Console.Error.WriteLine("Some benchmarks failed: " + string.Join(", ", reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo)));
    return 1;
}

Console.WriteLine("Allocations on the decoding and training thread ...");
var allocations = new[] { "S", "M" }.ToDictionary(config => config, ThreadAllocations.Measure);
Console.WriteLine("Generator cost ...");
var generator = GeneratorCost.Measure(runs: full ? 20 : 5);
Console.WriteLine();
Console.WriteLine(new ComparisonTable(reports, torch, allocations, generator, full).Render());
try
{
    Directory.Delete(scratch, recursive: true);
}
catch (IOException)
{
    // A scratch folder left behind in the temporary directory is harmless.
}
return 0;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "StaticSeq2Seq.sln")))
        {
            return directory.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the StaticSeq2Seq repository: bench/pytorch/peer.py is found from StaticSeq2Seq.sln.");
}
