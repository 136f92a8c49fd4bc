using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;
using System.Threading;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Training;

/// <summary>
/// Sums a batch's per-pair gradients, on one thread or several, with a result that does not depend on how many.
/// </summary>
/// <remarks>
/// The batch is cut into chunks of <see cref="PairsPerChunk"/> pairs whatever the thread count. Each chunk's pairs are
/// accumulated in order into a buffer of the chunk's own (the first chunk's is the batch's): each pair's backward pass
/// adds its gradients but leaves the rows of its weight gradients over all steps in a <see cref="WeightGradientStage"/>,
/// and the chunk's rows are added after its last pair, one pass over each weight's gradient per chunk instead of per
/// pair, with the bits of adding them pair by pair. The chunks' buffers
/// and losses are then added in chunk order, so the floating-point operations, and so the bits, are the same for
/// 1 thread or 8. With one thread a single scratch buffer serves every chunk in turn; with more, each chunk has a
/// buffer, and workers (one workspace and stage each, started on the first batch and waiting between jobs) take the chunks
/// as they come. Once every chunk is done, the threads add the chunks' buffers by slices of
/// <see cref="FloatsPerSlice"/> parameters: whichever thread takes a slice adds, element by element, the same buffers
/// in the same chunk order, so splitting the sum across threads changes no bit. A chunk's buffer is cleared slice by
/// slice right after it is added, while the slice is still in cache, ready for the next batch. The thread that sums a
/// slice also takes its sum of squares; <see cref="GradientNorm"/> adds those in slice order, on any thread count.
/// <see cref="Step"/> then hands the optimizer's update to the same threads, slice by slice, when the optimizer is
/// element-wise (<see cref="IElementwiseOptimizer"/>: Adam, AdamW, SgdMomentum), which again changes no bit; another
/// optimizer steps on the calling thread. The threads' waits within and between jobs are short, so they spin briefly
/// before they block (<see cref="SpinThenBlockSemaphore"/>). Once warm a batch allocates nothing.
/// </remarks>
internal sealed class BatchGradients : IDisposable
{
    /// <summary>Pairs per chunk, as many as a stage holds: a batch of at most this many is summed exactly as one thread summing pair after pair.</summary>
    public const int PairsPerChunk = WeightGradientStage.PairCapacity;

    /// <summary>
    /// Parameters per slice of the parallel sum of the chunks' buffers: a multiple of a cache line, small enough to
    /// share out between threads, large enough that taking a slice costs little next to adding it.
    /// </summary>
    public const int FloatsPerSlice = 4096;

    private readonly ISeq2SeqModel model;
    private readonly int threads;
    private readonly ThreadMemory[] memories;
    private AlignedBuffer[] chunkBuffers = [];
    private SequencePair[] pairs = [];
    private double[] chunkLosses = [];
    private int pairCount;
    private int chunkCount;
    private float lossScale;
    private ulong trainingSeed;
    private long step;
    private TrainingPass passSettings;
    private int nextChunk;
    private int chunksDone;
    private int nextSlice;
    private AlignedBuffer? batchSum;
    private float[] sliceSquares = [];
    private Job job;
    private IElementwiseOptimizer? stepOptimizer;
    private float stepGradientScale;

    private Thread[]? workers;
    private SpinThenBlockSemaphore[]? jobReady;
    // Released once by each worker when it has finished its part of a job. A semaphore makes its lock when it is made,
    // where a CountdownEvent makes its lock on the first wait that blocks, which can come long after warm-up.
    private SpinThenBlockSemaphore? workerDone;
    // Released once for every thread of the batch by whichever thread finishes the batch's last chunk.
    private SpinThenBlockSemaphore? chunksFinished;
    private ExceptionDispatchInfo? firstError;
    // The chunk of the first error, so that a batch fails as it would on one thread; failures outside chunks come last.
    private int firstErrorOrder;
    private volatile bool disposed;

    private enum Job
    {
        // Sum the batch's gradients: its chunks, then the chunks' buffers slice by slice.
        Gradients,

        // Take the optimizer's step slice by slice.
        Step,
    }

    /// <summary>Sums gradients of <paramref name="model"/> on <paramref name="threads"/> threads; the calling thread uses <paramref name="workspace"/>.</summary>
    public BatchGradients(ISeq2SeqModel model, Seq2SeqWorkspace workspace, int threads)
    {
        this.model = model;
        this.threads = threads;
        memories = new ThreadMemory[threads];
        memories[0] = new ThreadMemory(workspace, model.CreateWeightGradientStage());
    }

    /// <summary>
    /// The Euclidean norm of the gradients of the last <see cref="Accumulate"/>: the sums of squares of its slices of
    /// <see cref="FloatsPerSlice"/> parameters, each in float, added in slice order in double.
    /// </summary>
    public float GradientNorm { get; private set; }

    /// <summary>The pairs of the next batch: fill the first <c>count</c> and call <see cref="Accumulate"/>.</summary>
    public Span<SequencePair> Pairs(int count)
    {
        if (pairs.Length < count)
        {
            pairs = new SequencePair[count];
        }
        pairCount = count;
        return pairs.AsSpan(0, count);
    }

    /// <summary>
    /// Sets <paramref name="gradients"/> to <paramref name="scale"/> times the sum of the gradients of the pairs given to
    /// <see cref="Pairs"/>, and returns the sum of their losses. Each pair's random choices come from its own
    /// <see cref="TrainingPass"/>: <paramref name="settings"/> (teacher-forcing ratio, dropout rates) seeded from
    /// <paramref name="seed"/>, <paramref name="stepNumber"/> and its place in the batch.
    /// </summary>
    /// <exception cref="ArgumentException">A pair is null or the model rejects it (the first such pair in batch order).</exception>
    public double Accumulate(AlignedBuffer gradients, float scale, ulong seed, long stepNumber, TrainingPass settings)
    {
        lossScale = scale;
        trainingSeed = seed;
        step = stepNumber;
        passSettings = settings;
        chunkCount = (pairCount + PairsPerChunk - 1) / PairsPerChunk;
        if (chunkLosses.Length < chunkCount)
        {
            chunkLosses = new double[chunkCount];
        }
        var sliceCount = SliceCount(gradients.Length);
        if (sliceSquares.Length < sliceCount)
        {
            sliceSquares = new float[sliceCount];
        }
        try
        {
            gradients.Span.Clear();
            // Once disposed, the workers are gone; the calling thread alone gives the same sums.
            var loss = threads == 1 || chunkCount == 1 || disposed ? AccumulateInTurn(gradients.Span) : AccumulateInParallel(gradients);
            var squares = 0.0;
            for (var slice = 0; slice < sliceCount; slice++)
            {
                squares += sliceSquares[slice];
            }
            GradientNorm = (float)Math.Sqrt(squares);
            return loss;
        }
        finally
        {
            // The trainer holds no pair past its step.
            pairs.AsSpan(0, pairCount).Clear();
            batchSum = null;
        }
    }

    /// <summary>
    /// Multiplies <paramref name="gradients"/>, summed by the last <see cref="Accumulate"/>, by
    /// <paramref name="gradientScale"/> (1 leaves them as they are) and takes <paramref name="optimizer"/>'s step from
    /// them, on the batch's threads when the optimizer is element-wise.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer was made for another parameter count.</exception>
    public void Step(IOptimizer optimizer, AlignedBuffer gradients, float gradientScale)
    {
        if (optimizer is not IElementwiseOptimizer elementwise)
        {
            if (gradientScale != 1f)
            {
                TensorPrimitives.Multiply(gradients.Span, gradientScale, gradients.Span);
            }
            optimizer.Step(model.Parameters, gradients.Span);
            return;
        }
        elementwise.BeginStep(model.Parameters.Length, gradients.Length);
        stepOptimizer = elementwise;
        stepGradientScale = gradientScale;
        batchSum = gradients;
        nextSlice = 0;
        try
        {
            if (threads == 1 || disposed || SliceCount(gradients.Length) == 1)
            {
                TakeStepSlices();
            }
            else
            {
                StepInParallel();
            }
        }
        finally
        {
            batchSum = null;
            stepOptimizer = null;
        }
    }

    /// <summary>Stops the workers; later batches are summed on the calling thread alone, to the same bits.</summary>
    public void Dispose()
    {
        disposed = true;
        if (jobReady is not null)
        {
            foreach (var ready in jobReady)
            {
                ready.Release();
            }
        }
    }

    private double AccumulateInTurn(Span<float> gradients)
    {
        var loss = AccumulateChunk(0, memories[0], gradients);
        if (chunkCount > 1)
        {
            EnsureChunkBuffers(1);
            var scratch = chunkBuffers[0].Span;
            for (var chunk = 1; chunk < chunkCount; chunk++)
            {
                try
                {
                    loss += AccumulateChunk(chunk, memories[0], scratch);
                }
                catch
                {
                    // The scratch buffer starts every chunk at zero.
                    scratch.Clear();
                    throw;
                }
                for (var start = 0; start < gradients.Length; start += FloatsPerSlice)
                {
                    var length = Math.Min(FloatsPerSlice, gradients.Length - start);
                    AddAndClear(gradients.Slice(start, length), scratch.Slice(start, length));
                }
            }
        }
        for (var slice = 0; slice < SliceCount(gradients.Length); slice++)
        {
            var start = slice * FloatsPerSlice;
            sliceSquares[slice] = TensorPrimitives.SumOfSquares<float>(gradients.Slice(start, Math.Min(FloatsPerSlice, gradients.Length - start)));
        }
        return loss;
    }

    private double AccumulateInParallel(AlignedBuffer gradients)
    {
        EnsureChunkBuffers(chunkCount - 1);
        StartWorkers();
        batchSum = gradients;
        nextChunk = 1;
        chunksDone = 0;
        nextSlice = 0;
        StartJob(Job.Gradients);

        // The calling thread takes chunk 0, straight into the batch's buffer, and then helps with the rest.
        RunChunk(0, memories[0], gradients.Span);
        TakeChunks(memories[0]);
        TakeSlices();
        FinishJob();

        var loss = chunkLosses[0];
        for (var chunk = 1; chunk < chunkCount; chunk++)
        {
            loss += chunkLosses[chunk];
        }
        return loss;
    }

    private void StepInParallel()
    {
        StartWorkers();
        StartJob(Job.Step);
        TakeStepSlices();
        FinishJob();
    }

    private void StartJob(Job next)
    {
        job = next;
        firstError = null;
        firstErrorOrder = int.MaxValue;
        foreach (var ready in jobReady!)
        {
            ready.Release();
        }
    }

    // Waits for every worker's part of the job, then throws the job's first error, if any, on the calling thread.
    private void FinishJob()
    {
        foreach (var _ in workers!)
        {
            workerDone!.Wait();
        }
        firstError?.Throw();
    }

    // Adds the chunks' buffers into the batch's, slice by slice, once the last chunk is done, and takes each slice's
    // sum of squares. Every thread of the batch waits here once per batch, so the releases of the last chunk's thread
    // are all taken before the next batch.
    private void TakeSlices()
    {
        chunksFinished!.Wait();
        var gradients = batchSum!.Span;
        var sliceCount = SliceCount(gradients.Length);
        for (var slice = Interlocked.Increment(ref nextSlice) - 1; slice < sliceCount; slice = Interlocked.Increment(ref nextSlice) - 1)
        {
            var start = slice * FloatsPerSlice;
            var length = Math.Min(FloatsPerSlice, gradients.Length - start);
            var sum = gradients.Slice(start, length);
            for (var chunk = 1; chunk < chunkCount; chunk++)
            {
                AddAndClear(sum, chunkBuffers[chunk - 1].Span.Slice(start, length));
            }
            sliceSquares[slice] = TensorPrimitives.SumOfSquares<float>(sum);
        }
    }

    // Scales and steps the slices of the parameters; element-wise, so any thread may take any slice.
    private void TakeStepSlices()
    {
        var gradients = batchSum!.Span;
        var parameters = model.Parameters;
        var sliceCount = SliceCount(gradients.Length);
        for (var slice = Interlocked.Increment(ref nextSlice) - 1; slice < sliceCount; slice = Interlocked.Increment(ref nextSlice) - 1)
        {
            var start = slice * FloatsPerSlice;
            var length = Math.Min(FloatsPerSlice, gradients.Length - start);
            var gradientSlice = gradients.Slice(start, length);
            if (stepGradientScale != 1f)
            {
                TensorPrimitives.Multiply(gradientSlice, stepGradientScale, gradientSlice);
            }
            stepOptimizer!.StepSlice(parameters.Slice(start, length), gradientSlice, start);
        }
    }

    // Chunk buffers are zero but for the chunk that is being accumulated in them: each is cleared as it is added.
    private static void AddAndClear(Span<float> sum, Span<float> chunk)
    {
        TensorPrimitives.Add(sum, chunk, sum);
        chunk.Clear();
    }

    private static int SliceCount(int parameterCount) => (parameterCount + FloatsPerSlice - 1) / FloatsPerSlice;

    private void TakeChunks(ThreadMemory memory)
    {
        for (var chunk = Interlocked.Increment(ref nextChunk) - 1; chunk < chunkCount; chunk = Interlocked.Increment(ref nextChunk) - 1)
        {
            RunChunk(chunk, memory, chunkBuffers[chunk - 1].Span);
        }
    }

    // Keeps the chunk's loss, or the error of the earliest failing chunk, so that the batch fails as it would on one
    // thread; a failed chunk counts as done, so the slices are still added and every thread gets to the end.
    private void RunChunk(int chunk, ThreadMemory memory, Span<float> gradients)
    {
        try
        {
            chunkLosses[chunk] = AccumulateChunk(chunk, memory, gradients);
        }
        catch (Exception error)
        {
            RecordError(chunk, error);
        }
        finally
        {
            if (Interlocked.Increment(ref chunksDone) == chunkCount)
            {
                chunksFinished!.Release(threads);
            }
        }
    }

    private void RecordError(int order, Exception error)
    {
        lock (memories)
        {
            if (order < firstErrorOrder || firstError is null)
            {
                firstErrorOrder = order;
                firstError = ExceptionDispatchInfo.Capture(error);
            }
        }
    }

    // The per-pair path: it touches only its thread's memory and gradient buffer, so chunks run on several threads at once. The
    // pairs' weight gradients over all steps wait in the stage and go into the buffer together, one pass per weight.
    private double AccumulateChunk(int chunk, ThreadMemory memory, Span<float> gradients)
    {
        var (workspace, stage) = memory;
        // A chunk that failed part-way left its pairs in the stage.
        stage.Clear();
        var loss = 0.0;
        var end = Math.Min(pairCount, (chunk + 1) * PairsPerChunk);
        for (var i = chunk * PairsPerChunk; i < end; i++)
        {
            var pair = pairs[i];
            if (pair is null)
            {
                ThrowNullPair();
            }
            var pass = passSettings with { Seed = TrainingPass.PairSeed(trainingSeed, step, i) };
            loss += model.Forward(workspace, pair.Source, pair.Target, pass);
            model.BackwardStaged(workspace, gradients, lossScale, stage);
        }
        model.AddStagedWeightGradients(stage, gradients);
        return loss;
    }

    // What one thread works in: the workspace of its pair's passes and the stage of its chunk's weight gradients.
    private sealed record ThreadMemory(Seq2SeqWorkspace Workspace, WeightGradientStage Stage);

    private void EnsureChunkBuffers(int count)
    {
        if (chunkBuffers.Length >= count)
        {
            return;
        }
        var grown = new AlignedBuffer[count];
        chunkBuffers.CopyTo(grown, 0);
        for (var i = chunkBuffers.Length; i < count; i++)
        {
            grown[i] = new AlignedBuffer(model.Layout.ParameterCount);
        }
        chunkBuffers = grown;
    }

    private void StartWorkers()
    {
        if (workers is not null)
        {
            return;
        }
        jobReady = new SpinThenBlockSemaphore[threads - 1];
        workerDone = new SpinThenBlockSemaphore();
        chunksFinished = new SpinThenBlockSemaphore();
        workers = new Thread[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            var index = w;
            memories[index + 1] = new ThreadMemory(model.CreateWorkspace(), model.CreateWeightGradientStage());
            jobReady[index] = new SpinThenBlockSemaphore();
            workers[index] = new Thread(() => Work(index)) { IsBackground = true, Name = $"StaticSeq2Seq training worker {index + 1}" };
            workers[index].Start();
        }
    }

    private void Work(int index)
    {
        var ready = jobReady![index];
        var memory = memories[index + 1];
        while (true)
        {
            ready.Wait();
            if (disposed)
            {
                return;
            }
            try
            {
                if (job == Job.Gradients)
                {
                    TakeChunks(memory);
                    TakeSlices();
                }
                else
                {
                    TakeStepSlices();
                }
            }
            catch (Exception error)
            {
                RecordError(int.MaxValue, error);
            }
            finally
            {
                workerDone!.Release();
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowNullPair() =>
        throw new ArgumentException("The batch holds a null pair; remove it from the data.");
}
