using StaticSeq2Seq.Decoding;
using Xunit;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>
/// Step-wise decoding (the <see cref="IStepDecoder"/> beam search runs on) attends as greedy decoding does: the step
/// reads the source length <see cref="IStepDecoder.BeginDecode"/> recorded and the keys its encoder pass projected. The
/// bidirectional encoders are checked here too: their step starts from the summed states the encoder pass left.
/// </summary>
public sealed class AttentionStepDecoding
{
    public static TheoryData<string> Models => AttentionModels.AllWithBidirectional();

    [Theory]
    [MemberData(nameof(Models))]
    public void A_beam_of_width_one_decodes_exactly_as_greedy_decoding(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 1);
        var greedy = new int[model.Shape.MaxTargetLength];
        var random = new Random(5);
        for (var seed = 1UL; seed <= 4; seed++)
        {
            model.InitializeParameters(seed);
            var parameters = model.Parameters;
            for (var i = 0; i < parameters.Length; i++)
            {
                // Peaked attention, so a step that attended over the wrong positions would pick other tokens.
                parameters[i] *= 3f;
            }
            for (var trial = 0; trial < 25; trial++)
            {
                var source = AttentionModels.Tokens(random, random.Next(1, model.Shape.MaxSourceLength + 1), model.Shape.SourceVocabularySize);
                var length = model.DecodeGreedy(workspace, source, greedy);
                Assert.Equal(1, beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 1 }));
                Assert.Equal(greedy.AsSpan(0, length).ToArray(), beam.GetTokens(0).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_beam_of_width_one_keeps_the_attention_weights_of_greedy_decoding(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 2);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 1, keepAttentionWeights: true);
        var greedy = new int[model.Shape.MaxTargetLength];
        var random = new Random(6);
        for (var trial = 0; trial < 20; trial++)
        {
            var source = AttentionModels.Tokens(random, random.Next(1, model.Shape.MaxSourceLength + 1), model.Shape.SourceVocabularySize);
            model.DecodeGreedy(workspace, source, greedy);
            var greedySteps = Enumerable.Range(0, model.Shape.Attention == AttentionKind.None ? 0 : workspace.DecoderSteps)
                .Select(step => model.GetAttentionWeights(workspace, step).ToArray())
                .ToArray();
            Assert.Equal(1, beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 1 }));
            Assert.Equal(greedySteps.Length, beam.GetAttentionStepCount(0));
            for (var step = 0; step < greedySteps.Length; step++)
            {
                // The same kernels on the same states: the same floats.
                Assert.Equal(greedySteps[step], beam.GetAttentionWeights(0, step).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_n_best_hypothesis_keeps_one_distribution_over_the_source_per_step(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 4);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 4, keepAttentionWeights: true);
        int[] source = [5, 9, 2, 7, 4];
        var found = beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 4, NBest = 4 });
        for (var rank = 0; rank < found; rank++)
        {
            var steps = beam.GetAttentionStepCount(rank);
            var tokens = beam.GetTokens(rank).Length;
            Assert.True(model.Shape.Attention == AttentionKind.None ? steps == 0 : steps == tokens || steps == tokens + 1, $"rank {rank}: {steps} steps for {tokens} tokens.");
            for (var step = 0; step < steps; step++)
            {
                var weights = beam.GetAttentionWeights(rank, step);
                Assert.Equal(source.Length, weights.Length);
                Assert.True(Math.Abs(TensorPrimitivesSum(weights) - 1) < 1e-5, $"rank {rank}, step {step}: weights sum to {TensorPrimitivesSum(weights)}.");
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => beam.GetAttentionWeights(rank, steps));
        }
        Assert.Throws<InvalidOperationException>(() => new BeamSearchDecoder(model, 1).GetAttentionStepCount(0));
    }

    private static double TensorPrimitivesSum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }
        return sum;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_step_gives_the_logits_of_the_same_step_of_greedy_decoding(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 3);
        var workspace = model.CreateWorkspace();
        int[] source = [4, 9, 2, 7];
        var greedy = new int[model.Shape.MaxTargetLength];
        var length = model.DecodeGreedy(workspace, source, greedy);

        // Replay greedy's tokens one step at a time; each step's argmax must be greedy's next token (or EOS at the end).
        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        var logits = new float[model.Shape.TargetVocabularySize];
        model.BeginDecode(workspace, source, state);
        if (model.Shape.Attention != AttentionKind.None)
        {
            // Step decoding overwrites the weights greedy decoding kept, so there are none left to read.
            Assert.Throws<ArgumentOutOfRangeException>(() => model.GetAttentionWeights(workspace, 0));
        }
        var token = SpecialTokens.Sos;
        for (var i = 0; i <= length && i < model.Shape.MaxTargetLength; i++)
        {
            model.DecodeStep(workspace, state, token, next, logits);
            var best = Array.IndexOf(logits, logits.Max());
            Assert.Equal(i < length ? greedy[i] : SpecialTokens.Eos, best);
            token = best;
            (state, next) = (next, state);
        }
    }
}
