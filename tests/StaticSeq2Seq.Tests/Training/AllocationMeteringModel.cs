using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// Wraps a model and, while metering, notes on every forward pass the bytes the calling thread has allocated so far,
/// per thread: the growth between a thread's first and last forward pass of a window is what everything that thread
/// ran in between allocated (the trainer's worker loop and its waits included), which no process-wide counter can
/// tell apart from the test runner's own allocations. Records into arrays made beforehand, so it allocates nothing.
/// While metering, the thread that started it sleeps a millisecond before each forward pass, so that on a busy machine
/// the trainer's workers still get chunks to run.
/// </summary>
internal sealed class AllocationMeteringModel(ISeq2SeqModel inner) : ISeq2SeqModel
{
    private const int MaxThreads = 64;

    [ThreadStatic]
    private static int threadSlot;

    private static int slotsTaken;

    private readonly long[] first = new long[MaxThreads + 1];
    private readonly long[] last = new long[MaxThreads + 1];
    private volatile bool metering;
    private int meteringThread;

    public void StartMetering()
    {
        meteringThread = Environment.CurrentManagedThreadId;
        first.AsSpan().Fill(-1);
        last.AsSpan().Fill(-1);
        metering = true;
    }

    /// <summary>Stops metering and returns the most any one thread allocated between its first and last forward pass, and how many threads ran one.</summary>
    public (long MostBytes, int Threads) StopMetering()
    {
        metering = false;
        long most = 0;
        var threads = 0;
        for (var slot = 0; slot < first.Length; slot++)
        {
            if (first[slot] >= 0)
            {
                threads++;
                most = Math.Max(most, last[slot] - first[slot]);
            }
        }
        return (most, threads);
    }

    public ModelShape Shape => inner.Shape;

    public ParameterLayout Layout => inner.Layout;

    public Span<float> Parameters => inner.Parameters;

    public int DecoderStateSize => inner.DecoderStateSize;

    public void InitializeParameters(ulong seed) => inner.InitializeParameters(seed);

    public Seq2SeqWorkspace CreateWorkspace() => inner.CreateWorkspace();

    public WeightGradientStage CreateWeightGradientStage() => inner.CreateWeightGradientStage();

    public float Forward(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, ReadOnlySpan<int> target)
    {
        if (metering)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            if (threadSlot == 0)
            {
                threadSlot = Math.Min(Interlocked.Increment(ref slotsTaken), MaxThreads);
            }
            if (first[threadSlot] < 0)
            {
                first[threadSlot] = allocated;
            }
            last[threadSlot] = allocated;
            if (Environment.CurrentManagedThreadId == meteringThread)
            {
                Thread.Sleep(1);
            }
        }
        return inner.Forward(workspace, source, target);
    }

    public void Backward(Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale) => inner.Backward(workspace, gradients, lossScale);

    public void BackwardStaged(Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale, WeightGradientStage stage) =>
        inner.BackwardStaged(workspace, gradients, lossScale, stage);

    public void AddStagedWeightGradients(WeightGradientStage stage, Span<float> gradients) => inner.AddStagedWeightGradients(stage, gradients);

    public int DecodeGreedy(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<int> output) => inner.DecodeGreedy(workspace, source, output);

    public void BeginDecode(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, Span<float> initialState) =>
        inner.BeginDecode(workspace, source, initialState);

    public void DecodeStep(Seq2SeqWorkspace workspace, ReadOnlySpan<float> state, int token, Span<float> nextState, Span<float> logits) =>
        inner.DecodeStep(workspace, state, token, nextState, logits);

    public void DecodeSteps(Seq2SeqWorkspace workspace, ReadOnlySpan<float> states, ReadOnlySpan<int> tokens, Span<float> nextStates, Span<float> logits, Span<float> attentionWeights) =>
        inner.DecodeSteps(workspace, states, tokens, nextStates, logits, attentionWeights);
}
