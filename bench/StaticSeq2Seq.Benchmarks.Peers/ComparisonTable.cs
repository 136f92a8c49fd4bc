using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using StaticSeq2Seq.Benchmarks;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>
/// The side-by-side table: each metric for StaticSeq2Seq and each peer and how many times faster StaticSeq2Seq is,
/// the same figures as a fraction of the machine's measured limits, and the targets met or missed.
/// </summary>
public sealed class ComparisonTable(IReadOnlyList<BenchmarkReport> reports, IReadOnlyDictionary<string, TorchResult> torch, IReadOnlyDictionary<string, ThreadAllocations> allocations, GeneratorCostResult generator, bool full)
{
    private const int BatchSize = 32;
    private static readonly string[] Configs = ["S", "M"];
    private readonly StringBuilder text = new();

    /// <summary>The tables as Markdown.</summary>
    public string Render()
    {
        var fmaPeak = 2.0 * MachineLimitBenchmarks.FmaPeakMultiplyAdds / Median(Find(typeof(MachineLimitBenchmarks), nameof(MachineLimitBenchmarks.FmaPeak), null)) / 1e9;
        var l1MatrixVector = 2.0 * MachineLimitBenchmarks.L1MatrixVectorMultiplyAdds / Median(Find(typeof(MachineLimitBenchmarks), nameof(MachineLimitBenchmarks.L1MatrixVector), null)) / 1e9;
        var l2 = MachineLimitBenchmarks.L2Bytes / Median(Find(typeof(MachineLimitBenchmarks), nameof(MachineLimitBenchmarks.L2Read), null)) / 1e9;
        var l3 = MachineLimitBenchmarks.L3Bytes / Median(Find(typeof(MachineLimitBenchmarks), nameof(MachineLimitBenchmarks.L3Read), null)) / 1e9;
        var targets = new List<string>();

        Line($"{(full ? "Full" : "Short")} run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, one thread each; PyTorch {torch["S"].Version} (OpenBLAS, {torch["S"].OpenBlasCore} kernels), ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}.");
        Line($"Processor: {ProcessorDescription.Describe()}.");
        Line("Times are per operation, the median (and p95) over measured iterations; \"x faster\" is the peer's time over StaticSeq2Seq's.");
        Line();
        Line("| metric | StaticSeq2Seq | PyTorch | ONNX Runtime | x faster than PyTorch | x faster than ONNX Runtime |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var config in Configs)
        {
            var work = Configuration.Create(config).Work;
            var peer = torch[config];
            var greedy = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecode), config);
            var onnx = Find(typeof(OnnxDecodeBenchmarks), nameof(OnnxDecodeBenchmarks.GreedyDecode), config);
            var beam = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.BeamDecode), config);
            var train = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.TrainStep), config);
            var perToken = 1.0 / work.TargetLength;
            Row($"{config} greedy decode, per sequence, median", Median(greedy), peer.Greedy.Median, Median(onnx));
            Row($"{config} greedy decode, per sequence, p95", P95(greedy), peer.Greedy.P95, P95(onnx));
            Row($"{config} greedy decode, per token, median", Median(greedy) * perToken, peer.Greedy.Median * perToken, Median(onnx) * perToken);
            var greedyBFloat16 = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeBFloat16), config);
            Row($"{config} greedy decode with bfloat16 weights (peers fp32), per token, median", Median(greedyBFloat16) * perToken, peer.Greedy.Median * perToken, Median(onnx) * perToken);
            var greedyInt8 = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeInt8), config);
            Row($"{config} greedy decode with int8 weights (peers fp32), per token, median", Median(greedyInt8) * perToken, peer.Greedy.Median * perToken, Median(onnx) * perToken);
            var greedyInt8Dynamic = Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeInt8Dynamic), config);
            Row($"{config} greedy decode with int8 weights and activations (peers fp32), per token, median", Median(greedyInt8Dynamic) * perToken, peer.Greedy.Median * perToken, Median(onnx) * perToken);
            Row($"{config} beam 4 decode, per sequence, median", Median(beam), peer.Beam.Median, null);
            Row($"{config} beam 4 decode, per sequence, p95", P95(beam), peer.Beam.P95, null);
            Row($"{config} beam 4 decode, per token, median", Median(beam) * perToken, peer.Beam.Median * perToken, null);
            Line($"| {config} training, pairs/s (batch 32, Adam) | {BatchSize / Median(train):N0} | {BatchSize / peer.TrainStep.Median:N0} | | {peer.TrainStep.Median / Median(train):F1} | |");
            var oneThread = DataParallel(config, 1);
            var twoThreads = DataParallel(config, 2);
            Line($"| {config} training, pairs/s on 1 / 2 threads (TrainingOptions.Threads; 2-thread speed-up in the last column) | {1 / Median(oneThread):N0} / {1 / Median(twoThreads):N0} | | | | {Median(oneThread) / Median(twoThreads):F2} |");
            var thread = allocations[config];
            Line($"| {config} allocated per greedy decode / beam decode / training step, all threads (BenchmarkDotNet) | {Bytes(greedy)} / {Bytes(beam)} / {Bytes(train)} | | {Bytes(onnx)} | | |");
            Line($"| {config} allocated per greedy decode / beam decode / training step, on the calling thread | {thread.Greedy} B / {thread.Beam} B / {thread.TrainStep} B | | {thread.OnnxGreedy} B | | |");
            if (config == "S")
            {
                targets.Add(AtLeast("S greedy decode per token, x faster than PyTorch", peer.Greedy.Median / Median(greedy), 50));
            }
            targets.Add(AtLeast($"{config} training pairs/s, x PyTorch's", peer.TrainStep.Median / Median(train), config == "S" ? 3 : 2));
            targets.Add(AtMost($"{config} bytes allocated on the calling thread per greedy decode, beam decode and training step (the largest)", Math.Max(thread.Greedy, Math.Max(thread.Beam, thread.TrainStep)), 0));
        }
        Line();
        Line($"Against the machine: fp32 FMA peak {fmaPeak:F0} GFLOP/s (one core, 512-bit FMAs), {l1MatrixVector:F0} GFLOP/s in a matrix-vector product with its weights in L1, read bandwidth L2 {l2:F0} GB/s, L3 {l3:F0} GB/s (measured in this run).");
        Line("GFLOP/s count 2 flops per multiply-add of the matrix products and attention (gate math, softmax left out).");
        Line();
        Line("| metric | StaticSeq2Seq | PyTorch | ONNX Runtime |");
        Line("|---|---:|---:|---:|");
        foreach (var config in Configs)
        {
            var work = Configuration.Create(config).Work;
            var peer = torch[config];
            var greedy = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecode), config));
            var onnx = Median(Find(typeof(OnnxDecodeBenchmarks), nameof(OnnxDecodeBenchmarks.GreedyDecode), config));
            var beam = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.BeamDecode), config));
            var train = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.TrainStep), config));
            Line($"| {config} greedy decode, GFLOP/s (% of FMA peak) | {Flops(work.GreedyDecodeMultiplyAdds, greedy, fmaPeak)} | {Flops(work.GreedyDecodeMultiplyAdds, peer.Greedy.Median, fmaPeak)} | {Flops(work.GreedyDecodeMultiplyAdds, onnx, fmaPeak)} |");
            Line($"| {config} beam 4 decode, GFLOP/s (% of FMA peak) | {Flops(work.BeamDecodeMultiplyAdds, beam, fmaPeak)} | {Flops(work.BeamDecodeMultiplyAdds, peer.Beam.Median, fmaPeak)} | |");
            Line($"| {config} training, GFLOP/s (% of FMA peak) | {Flops(BatchSize * work.TrainingPairMultiplyAdds, train, fmaPeak)} | {Flops(BatchSize * work.TrainingPairMultiplyAdds, peer.TrainStep.Median, fmaPeak)} | |");
            var trainAtPeak = 2.0 * BatchSize * work.TrainingPairMultiplyAdds / (fmaPeak * 1e9);
            Line($"| {config} training: trainer step with every multiply-add at the FMA peak; PyTorch's step ÷ that (the most any ratio can be) | {Time(trainAtPeak)} | {peer.TrainStep.Median / trainAtPeak:F2} | |");
            var step = greedy / work.TargetLength;
            var floorL3 = work.DecoderStepWeightBytes / (l3 * 1e9);
            var floorL2 = work.DecoderStepWeightBytes / (l2 * 1e9);
            Line($"| {config} decoder step: fp32 weight bytes; floor from L3 / L2 bandwidth | {work.DecoderStepWeightBytes / 1e6:F3} MB; {Time(floorL3)} / {Time(floorL2)} | | |");
            Line($"| {config} greedy decode per token ÷ L3 weight-streaming floor | {step / floorL3:F2} | {peer.Greedy.Median / work.TargetLength / floorL3:F2} | {onnx / work.TargetLength / floorL3:F2} |");
            var floorL1 = 2.0 * work.GreedyDecodeRunMultiplyAdds / work.TargetLength / (l1MatrixVector * 1e9);
            Line($"| {config} greedy decode: multiply-adds run per token (input tables' products left out); floor at the L1 matrix-vector rate | {work.GreedyDecodeRunMultiplyAdds / work.TargetLength:N0}; {Time(floorL1)} | | |");
            Line($"| {config} greedy decode per token ÷ L1 matrix-vector floor | {step / floorL1:F2} | {peer.Greedy.Median / work.TargetLength / floorL1:F2} | {onnx / work.TargetLength / floorL1:F2} |");
            if (config == "M")
            {
                targets.Add(AtMost("M greedy decode (fp32) per token, x the L3 weight-streaming floor", step / floorL3, 1.3));
                var greedyBFloat16 = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeBFloat16), config));
                targets.Add(AtLeast("M greedy decode with bf16 weights, x faster than PyTorch fp32", peer.Greedy.Median / greedyBFloat16, 6));
                var greedyInt8 = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeInt8), config));
                targets.Add(AtLeast("M greedy decode with int8 weights, x faster than PyTorch fp32", peer.Greedy.Median / greedyInt8, 6));
                var greedyInt8Dynamic = Median(Find(typeof(DecodeAndTrainBenchmarks), nameof(DecodeAndTrainBenchmarks.GreedyDecodeInt8Dynamic), config));
                targets.Add(AtLeast("M greedy decode with int8 weights and activations, x faster than PyTorch fp32", peer.Greedy.Median / greedyInt8Dynamic, 6));
            }
        }
        Line();
        Line($"Generator, configuration M: {generator.MedianSeconds * 1e3:F1} ms per cold run (median), {generator.GeneratedFiles} files, {generator.GeneratedLines:N0} lines, {generator.GeneratedCharacters / 1024.0:F0} KiB of C#.");
        Line();
        Line("Targets (ratios from this run):");
        foreach (var target in targets)
        {
            Line(target);
        }
        return text.ToString();
    }

    private BenchmarkReport Find(Type type, string method, string? config) =>
        reports.Single(r => r.BenchmarkCase.Descriptor.Type == type
                            && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                            && (config is null || (string)r.BenchmarkCase.Parameters["Config"] == config));

    private BenchmarkReport DataParallel(string config, int threads) =>
        reports.Single(r => r.BenchmarkCase.Descriptor.Type == typeof(DataParallelTrainingBenchmarks)
                            && (string)r.BenchmarkCase.Parameters["Config"] == config
                            && (int)r.BenchmarkCase.Parameters["Threads"] == threads);

    private static double Median(BenchmarkReport report) => report.ResultStatistics!.Median / 1e9;

    private static double P95(BenchmarkReport report) => report.ResultStatistics!.Percentiles.P95 / 1e9;

    private static string Bytes(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes ? $"{bytes} B" : "?";

    private static string Flops(long multiplyAdds, double seconds, double peak)
    {
        var gflops = 2.0 * multiplyAdds / seconds / 1e9;
        return string.Create(CultureInfo.InvariantCulture, $"{gflops:F1} ({100 * gflops / peak:F1} %)");
    }

    private void Row(string metric, double ours, double torchSeconds, double? onnxSeconds) =>
        Line($"| {metric} | {Time(ours)} | {Time(torchSeconds)} | {(onnxSeconds is { } o ? Time(o) : "")} | {torchSeconds / ours:F1} | {(onnxSeconds is { } p ? (p / ours).ToString("F1", CultureInfo.InvariantCulture) : "")} |");

    private static string AtLeast(string name, double achieved, double required) =>
        string.Create(CultureInfo.InvariantCulture, $"- {name}: {achieved:F2}, target >= {required}: {(achieved >= required ? "met" : "MISSED")}");

    private static string AtMost(string name, double achieved, double limit) =>
        string.Create(CultureInfo.InvariantCulture, $"- {name}: {achieved:F2}, target <= {limit}: {(achieved <= limit ? "met" : "MISSED")}");

    private static string Time(double seconds) => seconds switch
    {
        < 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:F1} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:F2} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s"),
    };

    private void Line(string line = "") => text.AppendLine(line);
}
