using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Attention;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Reference;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// Dropout in training: the generated forward pass drops what the double-precision reference drops with masks from an
/// independent implementation of the documented hash, its gradient is the central differences of that reference's loss
/// (the masks are fixed by the pass, so the loss is a smooth function of the weights), the masks keep 1 - rate of the
/// elements, rate 0 is the pass without dropout bit for bit, and the trainer's runs repeat on any thread count and
/// resume exactly. Decoding never drops anything.
/// </summary>
public sealed class DropoutTests(ITestOutputHelper output)
{
    // The loss tolerance of AttentionNumerics and TeacherForcingTests, for the same models and the same float error.
    private const double LossRelativeTolerance = 2e-5;
    private const float EmbeddingRate = 0.3f;
    private const float InterLayerRate = 0.4f;

    /// <summary>Every cell, one and two layers, without attention and with each kind, one way and bidirectional.</summary>
    public static TheoryData<string> Models => new(
        "TinyGru", "TinyRnn2", "TinyGru2", "TinyLstm2", "BahdanauGru", "BahdanauLstm2", "LuongDotRnn", "LuongGeneralGru2",
        "BiRnn2", "BiLstm2Bahdanau", "BiLstm2", "BiLstm1LuongGeneral", "BiGru2LuongGeneral");

    [Theory]
    [MemberData(nameof(Models))]
    public void A_pass_with_dropout_has_the_loss_of_the_reference_with_the_same_masks(string modelName)
    {
        var model = Create(modelName, seed: 4);
        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        var workspace = model.CreateWorkspace();
        var changed = 0;
        var pairs = AttentionModels.Inputs(model.Shape, seed: 4, randomCount: 8);
        for (var p = 0; p < pairs.Count; p++)
        {
            var (source, target) = pairs[p];
            var seed = TrainingPass.PairSeed(7, 3, p);
            reference.Dropout = new ReferenceDropout(seed, EmbeddingRate, InterLayerRate);
            var expected = reference.Loss(source, target);
            reference.Dropout = null;
            var undropped = reference.Loss(source, target);
            var loss = model.Forward(workspace, source, target, new TrainingPass(seed, 1f, EmbeddingRate, InterLayerRate));
            var relative = Math.Abs(loss - expected) / Math.Max(1, Math.Abs(expected));
            Assert.True(relative <= LossRelativeTolerance, $"{modelName}, pair {p}: loss with dropout {loss:R}, reference {expected:R}.");
            changed += Math.Abs(expected - undropped) / Math.Max(1, Math.Abs(undropped)) > 10 * LossRelativeTolerance ? 1 : 0;
        }
        Assert.True(changed >= pairs.Count - 1, $"{modelName}: dropout changed the loss of only {changed} of {pairs.Count} pairs.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_gradient_with_dropout_matches_central_differences_of_the_reference_loss_with_the_same_masks(string modelName)
    {
        var model = Create(modelName, seed: 5);
        int[] source = [5, 9, 1, 10], target = [12, 4, 0, 8];
        var pass = new TrainingPass(Seed: 77, TeacherForcingRatio: 1f, EmbeddingRate, InterLayerRate);
        var workspace = model.CreateWorkspace();
        model.Forward(workspace, source, target, pass);
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);

        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        reference.Dropout = new ReferenceDropout(pass.Seed, EmbeddingRate, InterLayerRate);
        var check = ReferenceGradients.Check($"{modelName} with dropout", model, gradients, reference, () => reference.Loss(source, target));
        output.WriteLine(check.Report());
        Assert.True(check.Passed, check.Report());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Rates_of_zero_give_the_plain_forward_pass_loss_and_gradient_bit_for_bit(string modelName)
    {
        var model = Create(modelName, seed: 3);
        foreach (var (source, target) in AttentionModels.Inputs(model.Shape, seed: 3, randomCount: 4))
        {
            var (plainLoss, plainGradient) = ReferenceGradients.LossAndGradient(model, workspace => model.Forward(workspace, source, target));
            var (passLoss, passGradient) = ReferenceGradients.LossAndGradient(model, workspace => model.Forward(workspace, source, target, new TrainingPass(99, 1f, 0f, 0f)));
            Assert.Equal(BitConverter.SingleToInt32Bits(plainLoss), BitConverter.SingleToInt32Bits(passLoss));
            Assert.Equal(CheckpointTestData.Bits(plainGradient), CheckpointTestData.Bits(passGradient));
        }
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void A_mask_keeps_one_minus_the_rate_of_the_elements_and_is_the_documented_hash(float rate)
    {
        const int draws = 200_000;
        var random = new Random(11);
        int kept = 0, keptTwice = 0;
        for (var n = 0; n < draws; n++)
        {
            var seed = (ulong)random.NextInt64();
            int stream = random.Next(20), step = random.Next(1024), index = random.Next(4096);
            var keeps = DropoutMask.Keeps(seed, stream, step, index, rate);
            Assert.Equal(ReferenceDropout.Keeps(seed, stream, step, index, rate), keeps);
            kept += keeps ? 1 : 0;
            // The neighbouring step of the same element must be an independent draw: both kept with probability (1 - rate)^2.
            keptTwice += keeps && DropoutMask.Keeps(seed, stream, step + 1, index, rate) ? 1 : 0;
        }
        AssertFraction(kept, draws, 1 - rate, "kept");
        AssertFraction(keptTwice, draws, (1 - rate) * (1 - rate), "kept at two neighbouring steps");
    }

    [Fact]
    public void Decoding_and_the_plain_forward_pass_drop_nothing_after_a_pass_with_dropout()
    {
        foreach (var name in new[] { "TinyLstm2", "BiLstm2Bahdanau", "LuongGeneralGru2" })
        {
            var model = Create(name, seed: 6);
            int[] source = [5, 9, 1, 10], target = [12, 4, 7];
            var fresh = model.CreateWorkspace();
            var expectedLoss = model.Forward(fresh, source, target);
            var expectedTokens = new int[model.Shape.MaxTargetLength];
            var expectedLength = model.DecodeGreedy(fresh, source, expectedTokens);
            var expectedLogits = new float[model.Shape.TargetVocabularySize];
            model.ComputeLogits(fresh, 0, expectedLogits);

            var used = model.CreateWorkspace();
            model.Forward(used, source, target, new TrainingPass(5, 1f, 0.5f, 0.5f));
            Assert.Equal(BitConverter.SingleToInt32Bits(expectedLoss), BitConverter.SingleToInt32Bits(model.Forward(used, source, target)));
            model.Forward(used, source, target, new TrainingPass(5, 1f, 0.5f, 0.5f));
            var tokens = new int[model.Shape.MaxTargetLength];
            Assert.Equal(expectedLength, model.DecodeGreedy(used, source, tokens));
            Assert.Equal(expectedTokens, tokens);
            var logits = new float[model.Shape.TargetVocabularySize];
            model.ComputeLogits(used, 0, logits);
            Assert.Equal(CheckpointTestData.Bits(expectedLogits), CheckpointTestData.Bits(logits));

            // The reference without masks decodes what the model decodes.
            var reference = AttentionReference.FromModel(model, model.Shape.Attention);
            Assert.Equal(reference.DecodeGreedy(source).Tokens, tokens.AsSpan(0, expectedLength).ToArray());
        }
    }

    [Fact]
    public void A_run_with_dropout_repeats_on_any_thread_count_and_differs_from_one_without()
    {
        var pairs = CheckpointTestData.RandomPairs(Create("BahdanauLstm2", 1).Shape, count: 24, seed: 8);
        float[] Train(TrainingOptions options)
        {
            var model = Create("BahdanauLstm2", seed: 1);
            using var trainer = new Seq2SeqTrainer(model, options);
            for (var step = 0; step < 3; step++)
            {
                trainer.TrainStep(pairs.AsSpan(8 * step, 8));
            }
            return model.Parameters.ToArray();
        }
        var plain = new TrainingOptions { Seed = 3 };
        var dropout = plain with { EmbeddingDropout = 0.2f, InterLayerDropout = 0.3f };
        var once = CheckpointTestData.Bits(Train(dropout));
        Assert.Equal(once, CheckpointTestData.Bits(Train(dropout)));
        Assert.Equal(once, CheckpointTestData.Bits(Train(dropout with { Threads = 2 })));
        Assert.Equal(once, CheckpointTestData.Bits(Train(dropout with { Threads = 3 })));
        Assert.NotEqual(once, CheckpointTestData.Bits(Train(plain)));
        Assert.NotEqual(once, CheckpointTestData.Bits(Train(dropout with { Seed = 4 })));
        Assert.Equal(CheckpointTestData.Bits(Train(plain)), CheckpointTestData.Bits(Train(plain with { EmbeddingDropout = 0f, InterLayerDropout = 0f })));
    }

    [Fact]
    public void A_run_with_dropout_resumed_from_a_checkpoint_matches_the_uninterrupted_run_bit_for_bit()
    {
        using var folder = new TemporaryFolder();
        var shape = CheckpointTestData.Model("TinyLstm2", seed: 0).Shape;
        var pairs = CheckpointTestData.RandomPairs(shape, 23, seed: 3);
        var options = CheckpointTestData.Options("Adam", 3) with { EmbeddingDropout = 0.2f, InterLayerDropout = 0.3f };

        var uninterrupted = CheckpointTestData.Model("TinyLstm2", seed: 5);
        new Seq2SeqTrainer(uninterrupted, options).Train(pairs);

        var path = folder.File("run.safetensors");
        var saving = CheckpointTestData.Model("TinyLstm2", seed: 5);
        var savingTrainer = new Seq2SeqTrainer(saving, options);
        savingTrainer.Train(pairs, progress: new RecordingProgress(report =>
        {
            if (report.Step == 9)
            {
                Checkpoint.Save(path, saving, trainer: savingTrainer);
            }
        }));
        var saved = Checkpoint.ReadInfo(path).Training!;
        var resumed = CheckpointTestData.Model("TinyLstm2", seed: 99);
        var resumedTrainer = new Seq2SeqTrainer(resumed, options with { Epochs = 3 - saved.EpochsCompleted });
        Checkpoint.Load(path, resumed, resumedTrainer);
        resumedTrainer.Train(pairs);

        Assert.Equal(CheckpointTestData.Bits(uninterrupted.Parameters), CheckpointTestData.Bits(resumed.Parameters));
        var without = CheckpointTestData.Model("TinyLstm2", seed: 5);
        new Seq2SeqTrainer(without, options with { EmbeddingDropout = 0f, InterLayerDropout = 0f }).Train(pairs);
        Assert.NotEqual(CheckpointTestData.Bits(uninterrupted.Parameters), CheckpointTestData.Bits(without.Parameters));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_rate_outside_zero_to_one_is_refused_with_the_valid_range_by_the_options_and_by_the_model(float rate)
    {
        const string range = "from 0 (no dropout) up to, not including, 1";
        Assert.Contains(range, Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { EmbeddingDropout = rate }).Message);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { InterLayerDropout = rate });
        Assert.Equal(nameof(TrainingOptions.InterLayerDropout), error.ParamName);
        var model = Create("BahdanauGru", seed: 1);
        Assert.Contains(range, Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(model.CreateWorkspace(), [4], [5], new TrainingPass(1, 1f, rate, 0f))).Message);
        Assert.Contains(range, Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(model.CreateWorkspace(), [4], [5], new TrainingPass(1, 1f, 0f, rate))).Message);
    }

    private static ISeq2SeqModel Create(string name, ulong seed) =>
        CheckpointTestData.ModelNames.Contains(name) ? CheckpointTestData.Model(name, seed) : AttentionModels.Create(name, seed);

    /// <summary>Asserts that <paramref name="count"/> of <paramref name="draws"/> is within 5 standard deviations of a binomial with <paramref name="probability"/>.</summary>
    private void AssertFraction(int count, int draws, double probability, string what)
    {
        var mean = draws * probability;
        var deviation = Math.Sqrt(draws * probability * (1 - probability));
        output.WriteLine($"{what}: {count} of {draws}, expected {mean:F0} ± {deviation:F0}");
        Assert.True(Math.Abs(count - mean) <= 5 * deviation, $"{what}: {count} of {draws}, expected {mean:F0} ± 5 × {deviation:F1}.");
    }
}
