using Xunit;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>
/// Attention and bidirectional encoders add no allocation: after set-up, a training step, a greedy decode and reading the
/// weights allocate nothing.
/// </summary>
public sealed class AttentionAllocations
{
    private const int WarmUpCalls = 400;
    private const int MeasuredCalls = 500;

    // As in HotPathAllocations: tiered compilation may allocate on the calling thread for a while after the first
    // calls, so the measurement is repeated and must reach exactly 0 bytes in one round. An allocation made by the
    // model recurs on every call and so in every round.
    private const int Rounds = 5;

    public static TheoryData<string> Models => AttentionModels.AllWithBidirectional();

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_forward_and_backward_allocate_zero_bytes(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var gradients = new float[model.Layout.ParameterCount];
        var random = new Random(1);
        var source = AttentionModels.Tokens(random, model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize);
        var target = AttentionModels.Tokens(random, model.Shape.MaxTargetLength, model.Shape.TargetVocabularySize);
        var shortSource = source[..2];
        var shortTarget = target[..1];

        void Step(int i)
        {
            // Alternate lengths so every loop trip count is exercised while measuring.
            if ((i & 1) == 0)
            {
                model.Forward(workspace, source, target);
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
    public void Warm_greedy_decode_and_reading_its_weights_allocate_zero_bytes(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 2);
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        var random = new Random(2);
        var sources = Enumerable.Range(0, 8)
            .Select(i => AttentionModels.Tokens(random, 1 + i % model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize))
            .ToArray();
        var sink = 0f;

        void Decode(int i)
        {
            model.DecodeGreedy(workspace, sources[i & 7], decoded);
            var weights = model.GetAttentionWeights(workspace, 0);
            sink += weights.IsEmpty ? 0f : weights[0];
        }

        var allocated = MeasureWarm(Decode);
        Assert.True(allocated == 0, $"{modelName}: {MeasuredCalls} warm DecodeGreedy calls allocated {allocated} bytes in every one of {Rounds} rounds.");
        Assert.True(float.IsFinite(sink));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_beam_search_keeping_attention_weights_allocates_zero_bytes(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 3);
        var workspace = model.CreateWorkspace();
        var beam = new StaticSeq2Seq.Decoding.BeamSearchDecoder(model, maxBeamWidth: 3, keepAttentionWeights: true);
        var options = new StaticSeq2Seq.Decoding.BeamSearchOptions { BeamWidth = 3, NBest = 3 };
        var random = new Random(3);
        var sources = Enumerable.Range(0, 8)
            .Select(i => AttentionModels.Tokens(random, 1 + i % model.Shape.MaxSourceLength, model.Shape.SourceVocabularySize))
            .ToArray();
        var sink = 0f;

        void Decode(int i)
        {
            var found = beam.Decode(workspace, sources[i & 7], options);
            for (var rank = 0; rank < found; rank++)
            {
                for (var step = 0; step < beam.GetAttentionStepCount(rank); step++)
                {
                    sink += beam.GetAttentionWeights(rank, step)[0];
                }
            }
        }

        var allocated = MeasureWarm(Decode);
        Assert.True(allocated == 0, $"{modelName}: {MeasuredCalls} warm beam decodes keeping attention weights allocated {allocated} bytes in every one of {Rounds} rounds.");
        Assert.True(float.IsFinite(sink));
    }

    /// <summary>The fewest bytes allocated on this thread by <see cref="MeasuredCalls"/> warm calls, over a few rounds.</summary>
    private static long MeasureWarm(Action<int> call)
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
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            if (fewest > 0)
            {
                Thread.Sleep(50);
            }
        }
        return fewest;
    }
}
