using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>The generated LSTM forward pass and greedy decoder against the double-precision <see cref="LstmReference"/>.</summary>
public sealed class LstmForwardTests(ITestOutputHelper output)
{
    // |L_generated − L_reference| <= 1e-5 · max(1, |L_reference|). The generated model runs the same weights in float
    // (unit roundoff 6e-8) with vectorised sigmoid/tanh a few ulp off, through up to 11 steps and 2 layers, and sums up
    // to 6 per-step losses of ~ln 13 each; the worst relative difference seen is printed (about 1e-7). A real mistake
    // (a gate in the wrong rows, a missing bias, c not handed to the decoder) moves the loss by 1e-2 or more.
    private const double LossRelativeTolerance = 1e-5;

    // Greedy decoding must choose the reference's token at every step, unless the reference's two best logits are
    // closer than this somewhere on the way: float rounding may then pick the other one, and the rest diverges.
    private const double NearTie = 1e-4;

    private static readonly ulong[] Seeds = [1, 2, 3, 20240607];

    public static TheoryData<string> Models => LstmModels.All();

    [Fact]
    public void Layout_has_the_names_and_shapes_of_torch_nn_LSTM_state_dicts()
    {
        // torch.nn.LSTM(E, H, num_layers): weight_ih_l0 (4H, E), weight_ih_lk (4H, H), weight_hh_lk (4H, H), biases (4H).
        var model = LstmModels.Create("TinyLstm2");
        var shapes = model.Layout.Tensors.ToDictionary(t => t.Name, t => string.Join("x", t.Shape));
        Assert.Equal(20, shapes.Count);
        foreach (var module in new[] { "encoder", "decoder" })
        {
            Assert.Equal("28x5", shapes[$"{module}.rnn.weight_ih_l0"]);
            Assert.Equal("28x7", shapes[$"{module}.rnn.weight_hh_l0"]);
            Assert.Equal("28x7", shapes[$"{module}.rnn.weight_ih_l1"]);
            Assert.Equal("28x7", shapes[$"{module}.rnn.weight_hh_l1"]);
            foreach (var bias in new[] { "bias_ih_l0", "bias_hh_l0", "bias_ih_l1", "bias_hh_l1" })
            {
                Assert.Equal("28", shapes[$"{module}.rnn.{bias}"]);
            }
        }
        Assert.Equal("11x5", shapes["encoder.embedding.weight"]);
        Assert.Equal("13x5", shapes["decoder.embedding.weight"]);
        Assert.Equal("13x7", shapes["decoder.out.weight"]);
        Assert.Equal("13", shapes["decoder.out.bias"]);
        Assert.Equal(RecurrentCell.Lstm, model.Shape.Cell);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_equals_the_reference(string modelName)
    {
        var worst = 0.0;
        var cases = 0;
        foreach (var (what, model) in Cases(modelName))
        {
            var reference = LstmReference.FromModel(model);
            var workspace = model.CreateWorkspace();
            foreach (var (source, target) in LstmModels.Inputs(model.Shape, seed: 11, randomCount: 12))
            {
                var generated = model.Forward(workspace, source, target);
                var expected = reference.Loss(source, target);
                var relative = Math.Abs(generated - expected) / Math.Max(1, Math.Abs(expected));
                worst = Math.Max(worst, relative);
                cases++;
                Assert.True(
                    relative <= LossRelativeTolerance,
                    $"{modelName}, {what}, source {LstmModels.Show(source)}, target {LstmModels.Show(target)}: " +
                    $"generated loss {generated:R}, reference {expected:R}, relative difference {relative:E2}.");
            }
        }
        output.WriteLine($"{modelName}: {cases} cases, worst relative loss difference {worst:E2}.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_decode_equals_the_reference(string modelName)
    {
        var decoded = 0;
        var stoppedAtEos = 0;
        var nearTies = 0;
        foreach (var (what, model) in Cases(modelName))
        {
            var reference = LstmReference.FromModel(model);
            var workspace = model.CreateWorkspace();
            var buffer = new int[model.Shape.MaxTargetLength];
            foreach (var (source, _) in LstmModels.Inputs(model.Shape, seed: 23, randomCount: 12))
            {
                var count = model.DecodeGreedy(workspace, source, buffer);
                var (expected, smallestGap) = reference.DecodeGreedy(source);
                decoded++;
                if (smallestGap < NearTie)
                {
                    nearTies++;
                    continue;
                }
                Assert.True(
                    expected.SequenceEqual(buffer.Take(count)),
                    $"{modelName}, {what}, source {LstmModels.Show(source)}: generated {LstmModels.Show(buffer.Take(count))}, reference {LstmModels.Show(expected)}.");
                if (count < model.Shape.MaxTargetLength)
                {
                    stoppedAtEos++;
                }
            }
        }
        output.WriteLine($"{modelName}: {decoded} sources decoded, {stoppedAtEos} stopped at EOS before the limit, {nearTies} skipped as near ties.");
        // The cases must exercise both ways a decode ends, and near ties must stay the exception.
        Assert.InRange(stoppedAtEos, 1, decoded - 1);
        Assert.True(nearTies * 10 < decoded, $"{nearTies} of {decoded} decodes were near ties.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Decoding_after_a_forward_pass_and_a_forward_pass_after_decoding_give_the_same_results(string modelName)
    {
        // Workspace reuse: nothing one call leaves behind (h, c, gates, carries) may leak into the next.
        var model = LstmModels.Create(modelName, seed: 4);
        var workspace = model.CreateWorkspace();
        int[] source = [5, 6, 7, 8, 9, 10], target = [4, 4, 12];
        var buffer = new int[model.Shape.MaxTargetLength];
        var loss = model.Forward(workspace, source, target);
        var count = model.DecodeGreedy(workspace, [4], buffer);
        var tokens = buffer.Take(count).ToArray();

        model.Forward(workspace, [10], [5, 5, 5, 5, 5]);
        Assert.Equal(loss, model.Forward(workspace, source, target));
        model.DecodeGreedy(workspace, source, buffer);
        count = model.DecodeGreedy(workspace, [4], buffer);
        Assert.Equal(tokens, buffer.Take(count));
    }

    /// <summary>PyTorch's initialisation for several seeds, then larger weights that saturate the gates and make EOS likely.</summary>
    private static IEnumerable<(string What, ISeq2SeqModel Model)> Cases(string modelName)
    {
        foreach (var seed in Seeds)
        {
            yield return ($"seed {seed}", LstmModels.Create(modelName, seed));
        }
        for (var seed = 0; seed < 3; seed++)
        {
            var model = LstmModels.Create(modelName);
            LstmModels.WriteRandomWeights(model, new Random(100 + seed), embeddingScale: 2.0, bound: 1.5);
            yield return ($"large weights {seed}", model);
        }
    }
}
