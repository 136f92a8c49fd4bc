using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// Training with <see cref="TrainingOptions.Threads"/> above 1 computes each batch's chunks of pairs on several threads
/// and adds them in a fixed order, then clips and steps the parameters slice by slice on the same threads: the
/// parameters and optimizer state after a run are bit-identical for 1, 2, 3 and 8 threads, with every optimizer, with
/// and without clipping, and across repeated runs; a bad pair fails the step as on one thread and leaves nothing behind
/// for the next; and a warm step allocates nothing.
/// </summary>
public sealed class DataParallelTrainingTests
{
    public static TheoryData<string, int> Runs => new()
    {
        { nameof(WideBahdanauGru2), 16 },
        { nameof(WideGru), 10 },
        { nameof(TinyLstm2), 7 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Parameters_are_bit_identical_for_every_thread_count_and_every_repetition(string name, int batchSize)
    {
        var (reference, referenceMoments, referenceLoss) = Train(name, batchSize, threads: 1);

        foreach (var threads in new[] { 1, 2, 3, 8, 8 })
        {
            var (parameters, moments, loss) = Train(name, batchSize, threads);
            Assert.True(reference.SequenceEqual(parameters), $"{threads} threads gave other parameters than 1 thread.");
            Assert.Equal(referenceMoments, moments);
            Assert.Equal(referenceLoss, loss);
        }
    }

    [Theory]
    [InlineData(nameof(WideGru), 1)]
    [InlineData(nameof(WideGru), 2)]
    [InlineData(nameof(WideGru), 3)]
    [InlineData(nameof(WideGru), 8)]
    [InlineData(nameof(TinyLstm2), 2)]
    [InlineData(nameof(TinyLstm2), 8)]
    [InlineData(nameof(StagedBiGru2Bahdanau), 1)]
    [InlineData(nameof(StagedBiGru2Bahdanau), 3)]
    public void Gradients_of_a_step_are_the_chunks_sums_added_in_chunk_order(string name, int threads)
    {
        // 23 pairs: five full chunks and one of three. WideGru's parameters span several slices of the parallel sum,
        // the last one partial; TinyLstm2's fit in one. StagedBiGru2Bahdanau's chunks stage their weight gradients.
        const int BatchSize = 23;
        var model = Create(name);
        model.InitializeParameters(5);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, BatchSize, seed: 6);
        var expected = ChunkOrderedSum(model, pairs);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = threads, ClipNorm = 0f });

        trainer.TrainStep(pairs);

        Assert.True(
            CheckpointTestData.Bits(expected).SequenceEqual(CheckpointTestData.Bits(trainer.Gradients)),
            $"{threads} threads summed the chunks' gradients other than chunk after chunk.");
    }

    public static TheoryData<string, float> OptimizersAndClipping => new()
    {
        { nameof(Adam), 1e-3f },
        { nameof(Adam), 0f },
        { "AdamL2", 1e-3f },
        { nameof(AdamW), 1e-3f },
        { nameof(SgdMomentum), 1e-3f },
        { nameof(SgdMomentum), 0f },
    };

    [Theory]
    [MemberData(nameof(OptimizersAndClipping))]
    public void Every_optimizer_with_and_without_clipping_gives_the_bits_of_one_thread_on_any_thread_count(string optimizer, float clipNorm)
    {
        // Batches of 10 (the epoch's last of 5): chunks of 4, 4 and 2, so 8 threads have more threads than chunks.
        // WideGru's parameters span 13 slices of the update, the last one partial.
        var reference = TrainWith(optimizer, clipNorm, threads: 1);

        foreach (var threads in new[] { 2, 3, 8 })
        {
            var actual = TrainWith(optimizer, clipNorm, threads);
            Assert.True(reference.Parameters.SequenceEqual(actual.Parameters), $"{optimizer} on {threads} threads gave other parameters than on 1 thread.");
            Assert.Equal(reference.State, actual.State);
            Assert.Equal(reference.Norm, actual.Norm);
        }
        if (clipNorm > 0f)
        {
            Assert.True(reference.Norm > clipNorm, "The test needs steps that clip.");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_clipped_step_scales_every_slice_of_the_gradients_once_by_the_clipping_factor(int threads)
    {
        const float ClipNorm = 1e-3f;
        var model = InitializedWideGru(5);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 23, seed: 6);
        var unclipped = ChunkOrderedSum(model, pairs);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = threads, ClipNorm = ClipNorm });

        trainer.TrainStep(pairs);

        var squares = 0.0;
        foreach (var gradient in unclipped)
        {
            squares += (double)gradient * gradient;
        }
        Assert.Equal(Math.Sqrt(squares), trainer.LastGradientNorm, 5e-6 * Math.Sqrt(squares));
        var scale = ClipNorm / (trainer.LastGradientNorm + 1e-6f);
        var expected = unclipped.Select(gradient => gradient * scale).ToArray();
        Assert.True(
            CheckpointTestData.Bits(expected).SequenceEqual(CheckpointTestData.Bits(trainer.Gradients)),
            $"On {threads} threads a slice of the gradients was not scaled exactly once by the clipping factor.");
    }

    [Theory]
    [InlineData(nameof(Adam))]
    [InlineData(nameof(AdamW))]
    [InlineData(nameof(SgdMomentum))]
    public void A_step_taken_slice_by_slice_on_several_threads_equals_the_optimizers_step_over_the_whole_buffer(string optimizer)
    {
        var model = InitializedWideGru(8);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 16, seed: 9);
        var expectedParameters = model.Parameters.ToArray();
        var expectedOptimizer = CreateOptimizer(optimizer, expectedParameters.Length);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = 2, ClipNorm = 0f, CreateOptimizer = count => CreateOptimizer(optimizer, count) });

        for (var step = 0; step < 2; step++)
        {
            trainer.TrainStep(pairs);
            expectedOptimizer.Step(expectedParameters, trainer.Gradients);
        }

        Assert.Equal(CheckpointTestData.Bits(expectedParameters), CheckpointTestData.Bits(model.Parameters));
        Assert.Equal(
            CheckpointTestData.OptimizerBuffers(expectedOptimizer).Select(buffer => CheckpointTestData.Bits(buffer)),
            CheckpointTestData.OptimizerBuffers(trainer.Optimizer).Select(buffer => CheckpointTestData.Bits(buffer)));
        Assert.Equal(2L, trainer.Optimizer.StepCount);
    }

    [Fact]
    public void An_optimizer_of_the_users_own_steps_on_the_calling_thread_to_the_bits_of_the_built_in_one()
    {
        var builtIn = InitializedWideGru(4);
        var own = InitializedWideGru(4);
        var pairs = CheckpointTestData.RandomPairs(builtIn.Shape, 16, seed: 5);
        var options = new TrainingOptions { Threads = 2, ClipNorm = 1e-3f };
        using var builtInTrainer = new Seq2SeqTrainer(builtIn, options with { CreateOptimizer = count => new SgdMomentum(count, learningRate: 0.1f) });
        using var ownTrainer = new Seq2SeqTrainer(own, options with { CreateOptimizer = count => new DelegatingOptimizer(new SgdMomentum(count, learningRate: 0.1f)) });

        for (var step = 0; step < 3; step++)
        {
            builtInTrainer.TrainStep(pairs);
            ownTrainer.TrainStep(pairs);
        }

        Assert.Equal(CheckpointTestData.Bits(builtIn.Parameters), CheckpointTestData.Bits(own.Parameters));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_failed_batch_leaves_no_trace_in_the_next_ones_gradients(int threads)
    {
        var model = InitializedWideGru(2);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 16, seed: 3);
        var bad = pairs.ToArray();
        // In the last chunk, after the chunk's first pairs have added their gradients.
        bad[14] = new SequencePair([model.Shape.SourceVocabularySize], [5]);
        var expected = ChunkOrderedSum(model, pairs);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = threads, ClipNorm = 0f, CreateOptimizer = count => new SgdMomentum(count, learningRate: 0f) });

        Assert.ThrowsAny<ArgumentException>(() => trainer.TrainStep(bad));
        trainer.TrainStep(pairs);

        Assert.True(
            CheckpointTestData.Bits(expected).SequenceEqual(CheckpointTestData.Bits(trainer.Gradients)),
            $"On {threads} threads the failed batch's chunk gradients were added into the next batch's.");
    }

    [Fact]
    public void Steps_far_enough_apart_for_the_workers_to_block_between_them_give_the_bits_of_one_thread()
    {
        var pairs = CheckpointTestData.RandomPairs(new WideGru().Shape, 16, seed: 4);
        var single = InitializedWideGru(3);
        using var singleTrainer = new Seq2SeqTrainer(single);
        var parallel = InitializedWideGru(3);
        using var parallelTrainer = new Seq2SeqTrainer(parallel, new TrainingOptions { Threads = 3 });

        for (var step = 0; step < 4; step++)
        {
            singleTrainer.TrainStep(pairs);
            parallelTrainer.TrainStep(pairs);
            // Far longer than a wait watches before it blocks, so the next step wakes blocked workers.
            Thread.Sleep(20);
        }

        Assert.Equal(CheckpointTestData.Bits(single.Parameters), CheckpointTestData.Bits(parallel.Parameters));
    }

    [Fact]
    public void A_batch_of_one_chunk_is_summed_pair_after_pair_as_before()
    {
        var model = new QuadraticTestModel();
        var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = 8, ClipNorm = 0f, CreateOptimizer = count => new SgdMomentum(count, learningRate: 1f, momentum: 0) });
        SequencePair[] batch = [new([10], [5]), new([20], [5, 6])];

        var loss = trainer.TrainStep(batch);

        // As TrainStepTests works out by hand: losses 1 and 6, gradient of the mean -1.5 for token 5.
        Assert.Equal(3.5f, loss);
        Assert.Equal(-1.5f, trainer.Gradients[5]);
    }

    [Fact]
    public void A_pair_the_model_rejects_fails_the_step_on_several_threads_as_on_one_and_changes_nothing()
    {
        var model = new WideGru();
        model.InitializeParameters(1);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 16, seed: 2);
        pairs[9] = new SequencePair([model.Shape.SourceVocabularySize], [5]);
        pairs[13] = new SequencePair([5], [model.Shape.TargetVocabularySize + 1]);
        var before = CheckpointTestData.Bits(model.Parameters);
        using var single = new Seq2SeqTrainer(model);
        using var parallel = new Seq2SeqTrainer(model, new TrainingOptions { Threads = 4 });

        var expected = Assert.ThrowsAny<ArgumentException>(() => single.TrainStep(pairs));
        var actual = Assert.ThrowsAny<ArgumentException>(() => parallel.TrainStep(pairs));

        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(before, CheckpointTestData.Bits(model.Parameters));
        Assert.Equal(0L, parallel.StepsCompleted);
    }

    [Theory]
    [InlineData(nameof(WideGru), 1)]
    [InlineData(nameof(WideGru), 2)]
    [InlineData(nameof(WideGru), 4)]
    [InlineData(nameof(StagedBiGru2Bahdanau), 1)]
    [InlineData(nameof(StagedBiGru2Bahdanau), 2)]
    public void A_warm_step_allocates_nothing_on_any_of_its_threads(string name, int threads)
    {
        var inner = Create(name);
        inner.InitializeParameters(1);
        var model = new AllocationMeteringModel(inner);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 16, seed: 2);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = threads });
        for (var i = 0; i < 50; i++)
        {
            trainer.TrainStep(pairs);
        }

        model.StartMetering();
        var callingThread = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 40; i++)
        {
            trainer.TrainStep(pairs);
        }
        callingThread = GC.GetAllocatedBytesForCurrentThread() - callingThread;
        var (mostOnAThread, threadsSeen) = model.StopMetering();

        Assert.Equal(0L, callingThread);
        Assert.Equal(0L, mostOnAThread);
        Assert.True(threadsSeen >= Math.Min(threads, 2), $"Only {threadsSeen} thread ran forward passes; the test needs the workers to take part.");
    }

    [Fact]
    public void A_disposed_trainer_goes_on_training_on_the_calling_thread_to_the_same_bits()
    {
        var pairs = CheckpointTestData.RandomPairs(new WideGru().Shape, 16, seed: 2);
        var single = InitializedWideGru(1);
        using var singleTrainer = new Seq2SeqTrainer(single);
        var disposed = InitializedWideGru(1);
        var disposedTrainer = new Seq2SeqTrainer(disposed, new TrainingOptions { Threads = 4 });

        singleTrainer.TrainStep(pairs);
        disposedTrainer.TrainStep(pairs);
        disposedTrainer.Dispose();
        singleTrainer.TrainStep(pairs);
        disposedTrainer.TrainStep(pairs);

        Assert.Equal(CheckpointTestData.Bits(single.Parameters), CheckpointTestData.Bits(disposed.Parameters));
        Assert.Equal(2L, disposedTrainer.StepsCompleted);
    }

    [Fact]
    public void The_thread_count_must_be_at_least_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Threads = 0 });

    private static (int[] Parameters, int[][] Moments, double Loss) Train(string name, int batchSize, int threads)
    {
        var model = Create(name);
        model.InitializeParameters(31);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 45, seed: 32);
        var options = new TrainingOptions
        {
            Epochs = 2,
            BatchSize = batchSize,
            Seed = 33,
            Threads = threads,
            MeasureSequenceAccuracy = false,
            CreateOptimizer = count => new Adam(count, learningRate: 0.01f),
        };
        using var trainer = new Seq2SeqTrainer(model, options);
        var summary = trainer.Train(pairs);
        var moments = CheckpointTestData.OptimizerBuffers(trainer.Optimizer).Select(buffer => CheckpointTestData.Bits(buffer)).ToArray();
        return (CheckpointTestData.Bits(model.Parameters), moments, summary.TrainLoss);
    }

    private static (int[] Parameters, int[][] State, float Norm) TrainWith(string optimizer, float clipNorm, int threads)
    {
        var model = InitializedWideGru(21);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 50, seed: 22);
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 10,
            Seed = 23,
            Threads = threads,
            ClipNorm = clipNorm,
            MeasureSequenceAccuracy = false,
            CreateOptimizer = count => CreateOptimizer(optimizer, count),
        };
        using var trainer = new Seq2SeqTrainer(model, options);
        trainer.Train(pairs);
        var state = CheckpointTestData.OptimizerBuffers(trainer.Optimizer).Select(buffer => CheckpointTestData.Bits(buffer)).ToArray();
        return (CheckpointTestData.Bits(model.Parameters), state, trainer.LastGradientNorm);
    }

    private static IOptimizer CreateOptimizer(string name, int count) => name switch
    {
        nameof(Adam) => new Adam(count, learningRate: 0.01f),
        "AdamL2" => new Adam(count, learningRate: 0.01f, weightDecay: 0.1),
        nameof(AdamW) => new AdamW(count, learningRate: 0.01f, weightDecay: 0.1),
        _ => new SgdMomentum(count, learningRate: 0.1f, momentum: 0.9, weightDecay: 0.01),
    };

    // An optimizer the trainer knows nothing about, so it steps over the whole buffer on the calling thread.
    private sealed class DelegatingOptimizer(IOptimizer inner) : IOptimizer
    {
        public int ParameterCount => inner.ParameterCount;

        public float LearningRate
        {
            get => inner.LearningRate;
            set => inner.LearningRate = value;
        }

        public long StepCount => inner.StepCount;

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => inner.Step(parameters, gradients);
    }

    // The documented order, written out plainly: each chunk of 4 pairs accumulated pair after pair into a zeroed
    // buffer, the first chunk into the sum itself, and each later chunk's buffer then added to the sum.
    private static float[] ChunkOrderedSum(ISeq2SeqModel model, SequencePair[] pairs)
    {
        var workspace = model.CreateWorkspace();
        var sum = new float[model.Parameters.Length];
        var chunk = new float[sum.Length];
        var scale = 1f / pairs.Length;
        for (var first = 0; first < pairs.Length; first += 4)
        {
            var target = first == 0 ? sum : chunk;
            Array.Clear(target);
            for (var i = first; i < Math.Min(first + 4, pairs.Length); i++)
            {
                model.Forward(workspace, pairs[i].Source, pairs[i].Target);
                model.Backward(workspace, target, scale);
            }
            if (first > 0)
            {
                for (var e = 0; e < sum.Length; e++)
                {
                    sum[e] += chunk[e];
                }
            }
        }
        return sum;
    }

    private static WideGru InitializedWideGru(ulong seed)
    {
        var model = new WideGru();
        model.InitializeParameters(seed);
        return model;
    }

    private static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(WideBahdanauGru2) => new WideBahdanauGru2(),
        nameof(WideGru) => new WideGru(),
        nameof(StagedBiGru2Bahdanau) => new StagedBiGru2Bahdanau(),
        _ => new TinyLstm2(),
    };
}
