using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>After set-up, a training step (with dropout or without), a greedy decode and reading a step's logits allocate nothing.</summary>
public sealed class HotPathAllocations
{
    private const int WarmUpCalls = 400;
    private const int MeasuredCalls = 500;

    // Tiered compilation (call counting, OSR, the switch to tier 1) can allocate on the calling thread for a while
    // after the first calls. So the measurement is repeated a few times and must reach exactly 0 bytes over
    // MeasuredCalls calls in one round: an allocation made by the model itself recurs on every call and so in
    // every round, while JIT bookkeeping dies out.
    private const int Rounds = 5;

    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_forward_and_backward_allocate_zero_bytes(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var gradients = new float[model.Layout.ParameterCount];
        var random = new Random(1);
        var source = NumericsModels.Tokens(random, model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize);
        var target = NumericsModels.Tokens(random, model.Shape.MaxTargetLength, model.Shape.TargetVocabularySize);
        var shortSource = source[..1];
        var shortTarget = target[..1];

        void Step(int i)
        {
            // Alternate lengths so every loop trip count is exercised while measuring, and the long pairs' passes drop out.
            if ((i & 1) == 0)
            {
                model.Forward(workspace, source, target, new TrainingPass((ulong)i, 1f, EmbeddingDropout: 0.2f, InterLayerDropout: 0.3f));
            }
            else
            {
                model.Forward(workspace, shortSource, shortTarget);
            }
            model.Backward(workspace, gradients, 1e-3f);
        }

        var allocated = MeasureWarm(Step);
        Assert.True(allocated == 0, $"{modelName}: {MeasuredCalls} warm Forward + Backward calls allocated {allocated} bytes in every one of {Rounds} rounds.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_greedy_decode_allocates_zero_bytes(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 2);
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        var random = new Random(2);
        var sources = Enumerable.Range(0, 8)
            .Select(i => NumericsModels.Tokens(random, 1 + i % model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize))
            .ToArray();

        var allocated = MeasureWarm(i => model.DecodeGreedy(workspace, sources[i & 7], decoded));
        Assert.True(allocated == 0, $"{modelName}: {MeasuredCalls} warm DecodeGreedy calls allocated {allocated} bytes in every one of {Rounds} rounds.");
    }

    /// <summary>The fewest bytes allocated on this thread by <see cref="MeasuredCalls"/> warm calls, over a few rounds.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_ComputeLogits_allocates_zero_bytes(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var workspace = model.CreateWorkspace();
        var logits = new float[model.Shape.TargetVocabularySize];
        var random = new Random(3);
        var target = NumericsModels.Tokens(random, model.Shape.MaxTargetLength, model.Shape.TargetVocabularySize);
        model.Forward(workspace, NumericsModels.Tokens(random, model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize), target);

        var allocated = MeasureWarm(i => model.ComputeLogits(workspace, i % (target.Length + 1), logits));
        Assert.True(allocated == 0, $"{modelName}: {MeasuredCalls} warm ComputeLogits calls allocated {allocated} bytes in every one of {Rounds} rounds.");
    }

    internal static long MeasureWarm(Action<int> call)
    {
        for (var i = 0; i < WarmUpCalls; i++)
        {
            call(i);
        }
        var fewest = long.MaxValue;
        for (var round = 0; round < Rounds && fewest > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < MeasuredCalls; i++)
            {
                call(i);
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            fewest = Math.Min(fewest, allocated);
            if (fewest > 0)
            {
                Thread.Sleep(50);
            }
        }
        return fewest;
    }
}
