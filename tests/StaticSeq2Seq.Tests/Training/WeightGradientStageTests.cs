using StaticSeq2Seq.Data;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using Xunit;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// <see cref="ISeq2SeqModel.BackwardStaged"/> leaves the weight gradients over all steps in a
/// <see cref="WeightGradientStage"/>, and <see cref="ISeq2SeqModel.AddStagedWeightGradients"/> adds every staged pair's
/// at once: the buffer then holds the bits of <see cref="ISeq2SeqModel.Backward"/> pair after pair, for every cell,
/// attention, bidirectional encoder, dropout and free-running pass, and up to the stage's capacity of the longest pairs.
/// </summary>
public sealed class WeightGradientStageTests
{
    public static TheoryData<string> Models =>
    [
        nameof(StagedGru2), nameof(StagedBahdanauLstm), nameof(StagedLuongGeneralRnn2), nameof(StagedBiGru2Bahdanau), nameof(StagedBiLstmLuongDot),
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void Staged_pairs_added_at_once_give_the_bits_of_backward_pair_after_pair(string name)
    {
        for (var count = 1; count <= WeightGradientStage.PairCapacity; count++)
        {
            var model = Create(name);
            model.InitializeParameters(3);
            var pairs = CheckpointTestData.RandomPairs(model.Shape, count, seed: (ulong)(10 + count));
            var start = StartingGradients(model, seed: 4);

            var expected = (float[])start.Clone();
            var workspace = model.CreateWorkspace();
            for (var i = 0; i < count; i++)
            {
                model.Forward(workspace, pairs[i].Source, pairs[i].Target, Pass(i));
                model.Backward(workspace, expected, 0.25f);
            }

            var actual = (float[])start.Clone();
            var stage = model.CreateWeightGradientStage();
            for (var i = 0; i < count; i++)
            {
                model.Forward(workspace, pairs[i].Source, pairs[i].Target, Pass(i));
                model.BackwardStaged(workspace, actual, 0.25f, stage);
            }
            Assert.Equal(count, stage.Pairs);
            // The output projection's weight gradient is one the stage holds: nothing of it is added yet.
            var output = model.Layout["decoder.out.weight"];
            Assert.Equal(Bits(start.AsSpan(output.Offset, output.Length)), Bits(actual.AsSpan(output.Offset, output.Length)));
            Assert.NotEqual(Bits(expected.AsSpan(output.Offset, output.Length)), Bits(actual.AsSpan(output.Offset, output.Length)));

            model.AddStagedWeightGradients(stage, actual);

            Assert.Equal(0, stage.Pairs);
            Assert.True(Bits(expected).SequenceEqual(Bits(actual)), $"{name}: {count} staged pairs gave other gradients than Backward pair after pair.");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_full_stage_of_the_longest_pairs_fits_and_a_further_pair_is_refused(string name)
    {
        var model = Create(name);
        model.InitializeParameters(5);
        var shape = model.Shape;
        var longest = new SequencePair(
            Enumerable.Range(0, shape.MaxSourceLength).Select(t => SpecialTokens.Count + t % (shape.SourceVocabularySize - SpecialTokens.Count)).ToArray(),
            Enumerable.Range(0, shape.MaxTargetLength).Select(t => SpecialTokens.Count + t % (shape.TargetVocabularySize - SpecialTokens.Count)).ToArray());
        var workspace = model.CreateWorkspace();
        var expected = new float[model.Parameters.Length];
        var actual = new float[model.Parameters.Length];
        var stage = model.CreateWeightGradientStage();
        for (var i = 0; i < WeightGradientStage.PairCapacity; i++)
        {
            model.Forward(workspace, longest.Source, longest.Target);
            model.Backward(workspace, expected, 1f);
            model.BackwardStaged(workspace, actual, 1f, stage);
        }
        var before = Bits(actual);

        var error = Assert.Throws<InvalidOperationException>(() => model.BackwardStaged(workspace, actual, 1f, stage));

        Assert.Contains("AddStagedWeightGradients", error.Message);
        Assert.Equal(before, Bits(actual));
        model.AddStagedWeightGradients(stage, actual);
        Assert.True(Bits(expected).SequenceEqual(Bits(actual)));
    }

    [Fact]
    public void A_model_whose_weight_gradients_stay_in_l2_stages_nothing_and_adds_every_gradient_in_its_backward_pass()
    {
        ISeq2SeqModel model = new TinyGru2();
        model.InitializeParameters(2);
        var pair = CheckpointTestData.RandomPairs(model.Shape, 1, seed: 3)[0];
        var workspace = model.CreateWorkspace();
        var expected = new float[model.Parameters.Length];
        var actual = new float[model.Parameters.Length];
        var stage = model.CreateWeightGradientStage();
        model.Forward(workspace, pair.Source, pair.Target);
        model.Backward(workspace, expected, 1f);

        model.BackwardStaged(workspace, actual, 1f, stage);

        Assert.Equal(0, stage.Floats.Length);
        Assert.True(Bits(expected).SequenceEqual(Bits(actual)));
        Assert.NotEqual(0, new StagedGru2().CreateWeightGradientStage().Floats.Length);
    }

    [Fact]
    public void A_stage_of_another_model_is_refused_before_anything_is_written()
    {
        var model = new StagedGru2();
        model.InitializeParameters(1);
        var workspace = model.CreateWorkspace();
        model.Forward(workspace, [5, 6], [7]);
        var gradients = new float[model.Parameters.Length];
        var foreign = new StagedBahdanauLstm().CreateWeightGradientStage();

        var staging = Assert.Throws<ArgumentException>(() => model.BackwardStaged(workspace, gradients, 1f, foreign));
        var adding = Assert.Throws<ArgumentException>(() => model.AddStagedWeightGradients(foreign, gradients));

        Assert.Contains(nameof(StagedBahdanauLstm), staging.Message);
        Assert.Contains("CreateWeightGradientStage", adding.Message);
        Assert.All(gradients, value => Assert.Equal(0f, value));
        Assert.Equal(0, foreign.Pairs);
    }

    // Dropout on the embeddings and between layers, and every other pair free-running for part of its target.
    private static TrainingPass Pass(int pair) =>
        new(Seed: (ulong)(100 + pair), TeacherForcingRatio: pair % 2 == 0 ? 1f : 0.5f, EmbeddingDropout: 0.2f, InterLayerDropout: 0.3f);

    // Gradients already in the buffer, as a chunk's later pairs find them: staged rows add onto them.
    private static float[] StartingGradients(ISeq2SeqModel model, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[model.Parameters.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() - 0.5f) * 0.01f;
        }
        return values;
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }
        return bits;
    }

    private static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(StagedGru2) => new StagedGru2(),
        nameof(StagedBahdanauLstm) => new StagedBahdanauLstm(),
        nameof(StagedLuongGeneralRnn2) => new StagedLuongGeneralRnn2(),
        nameof(StagedBiGru2Bahdanau) => new StagedBiGru2Bahdanau(),
        _ => new StagedBiLstmLuongDot(),
    };
}
