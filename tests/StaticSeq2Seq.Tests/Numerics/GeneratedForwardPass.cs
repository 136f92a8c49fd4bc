using StaticSeq2Seq.Tests.Reference;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>The generated forward pass and greedy decoder against the double-precision reference.</summary>
public sealed class GeneratedForwardPass(ITestOutputHelper output)
{
    // Tolerance on the loss: |L_generated - L_reference| <= 2e-5 * max(1, |L_reference|).
    // The generated model runs in float (unit roundoff 6e-8) with vectorised exp/tanh/sigmoid that are a few ulp
    // off, through up to 17 recurrent steps and 2 layers, and sums up to 9 per-step losses of ~ln V each; the
    // reference runs the same float weights in double. Observed worst relative errors: ~1.5e-7 with the seeded
    // PyTorch-style initialisation and ~2.7e-6 with the large, saturating weights, on each of the Vector512,
    // Vector256, Vector128 and scalar paths (the tests print theirs). 2e-5 leaves a factor of ~8 over the worst,
    // while a wrong gate, bias, transposition or step moves the loss by 1e-2 or more.
    private const double LossRelativeTolerance = 2e-5;

    // Greedy decoding must pick the same token at every step, except where the reference's two best logits are
    // closer than this: there float rounding may legitimately pick the other one.
    private const double NearTie = 1e-4;

    private static readonly ulong[] Seeds = [1, 2, 3, 20240607];

    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_equals_the_double_precision_reference_for_several_seeds_and_input_lengths(string modelName)
    {
        var worst = 0.0;
        var cases = 0;
        foreach (var seed in Seeds)
        {
            var model = NumericsModels.Create(modelName, seed);
            var reference = ReferenceSeq2Seq.FromModel(model);
            var workspace = model.CreateWorkspace();
            foreach (var (source, target) in NumericsModels.Inputs(model.Shape, (int)seed, randomCount: 12))
            {
                var generated = model.Forward(workspace, source, target);
                var expected = reference.Loss(source, target);
                var relative = Math.Abs(generated - expected) / Math.Max(1, Math.Abs(expected));
                worst = Math.Max(worst, relative);
                cases++;
                Assert.True(
                    relative <= LossRelativeTolerance,
                    $"{modelName}, seed {seed}, source {NumericsModels.Show(source)}, target {NumericsModels.Show(target)}: " +
                    $"generated loss {generated:R}, reference {expected:R}, relative difference {relative:E2} > {LossRelativeTolerance:E1}.");
            }
        }
        output.WriteLine(
            $"{modelName}: {cases} cases, worst relative loss difference {worst:E2} " +
            $"(Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, " +
            $"Vector128 {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}).");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_equals_the_reference_for_large_weights_written_through_the_layout_in_PyTorch_order(string modelName)
    {
        // Weights drawn by the reference in PyTorch order and written with CopyFromPyTorchOrder: a layout whose
        // transposition or offsets disagree with the kernels shows up here even if it round-trips. The scale
        // drives the gates into saturation, where approximate sigmoid/tanh are least accurate.
        var model = NumericsModels.Create(modelName);
        var reference = new ReferenceSeq2Seq(model.Shape);
        reference.Randomize(new Random(7), embeddingScale: 2.0, weightBound: 1.5);
        reference.CopyTo(model);
        var workspace = model.CreateWorkspace();
        var worst = 0.0;
        foreach (var (source, target) in NumericsModels.Inputs(model.Shape, seed: 11, randomCount: 12))
        {
            var generated = model.Forward(workspace, source, target);
            var expected = reference.Loss(source, target);
            var relative = Math.Abs(generated - expected) / Math.Max(1, Math.Abs(expected));
            worst = Math.Max(worst, relative);
            Assert.True(
                relative <= LossRelativeTolerance,
                $"{modelName}, source {NumericsModels.Show(source)}, target {NumericsModels.Show(target)}: " +
                $"generated loss {generated:R}, reference {expected:R}, relative difference {relative:E2} > {LossRelativeTolerance:E1}.");
        }
        output.WriteLine($"{modelName}: worst relative loss difference {worst:E2}.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_of_an_all_zero_model_is_the_uniform_cross_entropy(string modelName)
    {
        // Every logit is 0, so each of the n + 1 steps costs ln V exactly, whatever the layout.
        var model = NumericsModels.Create(modelName);
        model.Parameters.Clear();
        var workspace = model.CreateWorkspace();
        foreach (var (source, target) in NumericsModels.Inputs(model.Shape, seed: 5, randomCount: 2))
        {
            var expected = (target.Length + 1) * Math.Log(model.Shape.TargetVocabularySize);
            Assert.Equal(expected, model.Forward(workspace, source, target), 1e-5);
            Assert.Equal(expected, new ReferenceSeq2Seq(model.Shape).Loss(source, target), 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_decode_picks_the_same_tokens_as_the_reference(string modelName)
    {
        var decoded = 0;
        var nearTies = 0;
        var stoppedAtEos = 0;
        foreach (var seed in Seeds)
        {
            var model = NumericsModels.Create(modelName, seed);
            var reference = ReferenceSeq2Seq.FromModel(model);
            nearTies += CheckDecodes(model, reference, $"{modelName}, seed {seed}", (int)seed, ref decoded, ref stoppedAtEos);
        }
        {
            // Larger weights make the output distribution peakier, so EOS and repetitions come up.
            var model = NumericsModels.Create(modelName);
            var reference = new ReferenceSeq2Seq(model.Shape);
            reference.Randomize(new Random(13), embeddingScale: 2.0, weightBound: 1.5);
            reference.CopyTo(model);
            nearTies += CheckDecodes(model, reference, $"{modelName}, large weights", 99, ref decoded, ref stoppedAtEos);
        }
        output.WriteLine($"{modelName}: {decoded} sources decoded, {stoppedAtEos} stopped at EOS before the limit, {nearTies} accepted near ties.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_decode_stops_at_EOS_and_otherwise_at_the_maximum_target_length(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var bias = model.Layout["decoder.out.bias"];
        var values = new float[bias.Length];
        bias.CopyToPyTorchOrder(model.Parameters, values);
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        int[] source = [4, 5, 6];

        // EOS far ahead of every other token: nothing is written.
        values[SpecialTokens.Eos] = 100f;
        bias.CopyFromPyTorchOrder(values, model.Parameters);
        Assert.Equal(0, model.DecodeGreedy(workspace, source, decoded));

        // EOS far behind: every step writes a token, and decoding stops at the limit.
        values[SpecialTokens.Eos] = -100f;
        bias.CopyFromPyTorchOrder(values, model.Parameters);
        var count = model.DecodeGreedy(workspace, source, decoded);
        Assert.Equal(model.Shape.MaxTargetLength, count);
        Assert.Equal(ReferenceSeq2Seq.FromModel(model).DecodeGreedy(source).Tokens, decoded);
        Assert.DoesNotContain(SpecialTokens.Eos, decoded);
    }

    private static int CheckDecodes(ISeq2SeqModel model, ReferenceSeq2Seq reference, string what, int inputSeed, ref int decoded, ref int stoppedAtEos)
    {
        var nearTies = 0;
        var workspace = model.CreateWorkspace();
        var maxT = model.Shape.MaxTargetLength;
        var random = new Random(inputSeed);
        var sources = new List<int[]> { new[] { 0 }, Enumerable.Repeat(model.Shape.SourceVocabularySize - 1, model.Shape.MaxSourceLength).ToArray() };
        for (var i = 0; i < 16; i++)
        {
            sources.Add(NumericsModels.Tokens(random, random.Next(1, model.Shape.MaxSourceLength + 1), model.Shape.SourceVocabularySize));
        }
        foreach (var source in sources)
        {
            // A buffer longer than needed, filled with a sentinel, shows any write past the returned count.
            var buffer = Enumerable.Repeat(-7, maxT + 3).ToArray();
            var count = model.DecodeGreedy(workspace, source, buffer);
            Assert.InRange(count, 0, maxT);
            Assert.All(buffer[count..], token => Assert.Equal(-7, token));
            var expected = reference.DecodeGreedy(source);
            decoded++;
            if (count < maxT)
            {
                stoppedAtEos++;
            }
            var generatedChoices = buffer[..count].Concat(count < maxT ? [SpecialTokens.Eos] : Array.Empty<int>()).ToArray();
            if (generatedChoices.SequenceEqual(expected.Choices))
            {
                continue;
            }
            var step = 0;
            while (step < generatedChoices.Length && step < expected.Choices.Length && generatedChoices[step] == expected.Choices[step])
            {
                step++;
            }
            var message =
                $"{what}, source {NumericsModels.Show(source)}: generated decode {NumericsModels.Show(buffer[..count])}, " +
                $"reference {NumericsModels.Show(expected.Tokens)}; they part at step {step}";
            Assert.True(step < expected.Choices.Length && step < generatedChoices.Length, message + ".");
            Assert.True(
                expected.Margins[step] < NearTie,
                $"{message}, where the reference's best logit leads the next by {expected.Margins[step]:E2}, not a near tie (< {NearTie:E0}).");
            nearTies++;
        }
        return nearTies;
    }
}
