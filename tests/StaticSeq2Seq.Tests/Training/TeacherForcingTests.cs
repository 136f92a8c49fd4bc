using StaticSeq2Seq.Data;
using StaticSeq2Seq.Tests.Attention;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Training;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Training;

/// <summary>
/// The teacher-forcing ratio: a pass that forces is the plain forward pass bit for bit; a free-running pass (ratio 0)
/// feeds the reference's own argmax back and has its loss, and its gradient is that of the loss with the recorded inputs
/// held fixed; the trainer's draws depend on the seed alone.
/// </summary>
public sealed class TeacherForcingTests(ITestOutputHelper output)
{
    // The tolerances of AttentionNumerics, for the same models and the same float error.
    private const double LossRelativeTolerance = 2e-5;
    private const double NearTie = 1e-4;

    /// <summary>Every cell, one and two layers, each attention kind and none, one way and bidirectional.</summary>
    public static TheoryData<string> Models => new("BahdanauGru", "BahdanauLstm2", "LuongDotRnn", "LuongGeneralGru2", "BiRnn2", "BiLstm1LuongGeneral", "BiGru2");

    [Theory]
    [MemberData(nameof(Models))]
    public void A_teacher_forced_pass_gives_the_plain_forward_pass_loss_and_gradient_bit_for_bit(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 3);
        foreach (var (source, target) in AttentionModels.Inputs(model.Shape, seed: 3, randomCount: 4))
        {
            var (plainLoss, plainGradient) = ReferenceGradients.LossAndGradient(model, workspace => model.Forward(workspace, source, target));
            var (passLoss, passGradient) = ReferenceGradients.LossAndGradient(model, workspace => model.Forward(workspace, source, target, new TrainingPass(Seed: 99, TeacherForcingRatio: 1f)));
            Assert.Equal(BitConverter.SingleToInt32Bits(plainLoss), BitConverter.SingleToInt32Bits(passLoss));
            Assert.Equal(CheckpointTestData.Bits(plainGradient), CheckpointTestData.Bits(passGradient));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_free_running_pass_reads_its_own_argmax_and_matches_the_reference(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 4);
        Scale(model, 3f);
        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        var workspace = model.CreateWorkspace();
        int compared = 0, differing = 0;
        foreach (var (source, target) in AttentionModels.Inputs(model.Shape, seed: 4, randomCount: 16))
        {
            var expected = reference.Forward(source, target, freeRunning: true);
            if (expected.Margins.Any(m => m < NearTie))
            {
                continue;
            }
            compared++;
            var loss = model.Forward(workspace, source, target, new TrainingPass(Seed: 1, TeacherForcingRatio: 0f));
            Assert.Equal(expected.DecoderInputs, workspace.Tokens.Slice(RecordedInputsOffset(model), target.Length + 1).ToArray());
            var relative = Math.Abs(loss - expected.Loss) / Math.Max(1, Math.Abs(expected.Loss));
            Assert.True(relative <= LossRelativeTolerance, $"{modelName}, source length {source.Length}: free-running loss {loss:R}, reference {expected.Loss:R}.");
            // Pairs whose argmax happens to be the target are teacher-forced in effect; the others are the test.
            differing += expected.DecoderInputs.AsSpan(1).SequenceEqual(target) ? 0 : 1;
        }
        Assert.True(compared >= 8 && differing >= 4, $"{modelName}: only {compared} pairs were free of near ties, {differing} of them read other tokens than the target.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_free_running_gradient_matches_central_differences_of_the_reference_loss_with_the_recorded_inputs(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 5);
        Scale(model, 3f);
        int[] source = [5, 9, 1, 10], target = [12, 4, 0, 8];
        var workspace = model.CreateWorkspace();
        model.Forward(workspace, source, target, new TrainingPass(Seed: 2, TeacherForcingRatio: 0f));
        var recorded = workspace.Tokens.Slice(RecordedInputsOffset(model), target.Length + 1).ToArray();
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);

        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        Assert.Equal(reference.Forward(source, target, freeRunning: true).DecoderInputs, recorded);
        Assert.NotEqual(target, recorded[1..]);
        var check = ReferenceGradients.Check($"{modelName} free running", model, gradients, reference, () => reference.Loss(source, target, recorded));
        output.WriteLine(check.Report());
        Assert.True(check.Passed, check.Report());
    }

    [Fact]
    public void The_trainer_draws_each_pair_from_its_seed_so_a_run_repeats_on_any_thread_count_and_a_ratio_of_one_is_the_default_run()
    {
        var pairs = CheckpointTestData.RandomPairs(AttentionModels.Create("BahdanauGru", 1).Shape, count: 24, seed: 8);
        float[] Train(TrainingOptions options)
        {
            var model = AttentionModels.Create("BahdanauGru", seed: 1);
            using var trainer = new Seq2SeqTrainer(model, options);
            for (var step = 0; step < 6; step++)
            {
                trainer.TrainStep(pairs.AsSpan(4 * step, 4));
            }
            return model.Parameters.ToArray();
        }
        var defaults = new TrainingOptions { Seed = 3 };
        var halfForced = defaults with { TeacherForcingRatio = 0.5f };
        Assert.Equal(CheckpointTestData.Bits(Train(defaults)), CheckpointTestData.Bits(Train(defaults with { TeacherForcingRatio = 1f })));
        Assert.Equal(CheckpointTestData.Bits(Train(halfForced)), CheckpointTestData.Bits(Train(halfForced)));
        Assert.NotEqual(CheckpointTestData.Bits(Train(defaults)), CheckpointTestData.Bits(Train(halfForced)));
        // Each pair's draw depends on its place in the batch, not on the thread that runs it.
        Assert.Equal(CheckpointTestData.Bits(Train(halfForced)), CheckpointTestData.Bits(Train(halfForced with { Threads = 2 })));
    }

    [Fact]
    public void A_ratio_outside_zero_to_one_is_refused_by_the_options_and_by_the_model()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { TeacherForcingRatio = 1.5f });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { TeacherForcingRatio = float.NaN });
        var model = AttentionModels.Create("BahdanauGru", seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(model.CreateWorkspace(), [4], [5], new TrainingPass(1, -0.1f)));
    }

    [Fact]
    public void Pair_seeds_differ_between_pairs_steps_and_training_seeds()
    {
        var seeds = new HashSet<ulong>();
        for (ulong training = 0; training < 4; training++)
        {
            for (long step = 0; step < 50; step++)
            {
                for (var pair = 0; pair < 32; pair++)
                {
                    Assert.True(seeds.Add(TrainingPass.PairSeed(training, step, pair)));
                }
            }
        }
    }

    /// <summary>Where the workspace's token memory records the decoder's inputs: after the source tokens (see the generated DecoderInputsOffset).</summary>
    private static int RecordedInputsOffset(ISeq2SeqModel model) => model.Shape.MaxSourceLength;

    private static void Scale(ISeq2SeqModel model, float factor)
    {
        var parameters = model.Parameters;
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= factor;
        }
    }
}
