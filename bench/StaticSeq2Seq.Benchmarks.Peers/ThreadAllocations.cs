namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>Bytes allocated on the calling thread per operation, warm, for each configuration's decode and training step.</summary>
/// <remarks>
/// BenchmarkDotNet's in-process memory diagnoser counts every thread, so the JIT's background compilation can show up
/// as a few kilobytes on a long operation; this counts only the thread that runs the operation.
/// </remarks>
public sealed record ThreadAllocations(long Greedy, long Beam, long TrainStep, long OnnxGreedy)
{
    private const int WarmCalls = 3;
    private const int MeasuredCalls = 5;

    /// <summary>Measures configuration <paramref name="config"/> after <see cref="WarmCalls"/> warm-up calls of each operation.</summary>
    public static ThreadAllocations Measure(string config)
    {
        var benchmarks = new DecodeAndTrainBenchmarks { Config = config };
        var onnx = new OnnxDecodeBenchmarks { Config = config };
        benchmarks.Setup();
        onnx.Setup();
        try
        {
            return new ThreadAllocations(
                PerCall(() => benchmarks.GreedyDecode()),
                PerCall(() => benchmarks.BeamDecode()),
                PerCall(() => benchmarks.TrainStep()),
                PerCall(() => onnx.GreedyDecode()));
        }
        finally
        {
            benchmarks.Cleanup();
            onnx.Cleanup();
        }
    }

    private static long PerCall(Action operation)
    {
        for (var i = 0; i < WarmCalls; i++)
        {
            operation();
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < MeasuredCalls; i++)
        {
            operation();
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / MeasuredCalls;
    }
}
