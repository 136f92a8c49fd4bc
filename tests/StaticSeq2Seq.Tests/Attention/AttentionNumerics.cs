using StaticSeq2Seq.Parameters;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Tests.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Attention;

/// <summary>
/// The generated attention models and bidirectional encoders against <see cref="AttentionReference"/>: loss, greedy
/// decoding, attention weights and every parameter's gradient.
/// </summary>
public sealed class AttentionNumerics(ITestOutputHelper output)
{
    // |L_generated − L_reference| <= 2e-5 max(1, |L|): the float forward pass over at most 6 + 6 steps of width 7
    // carries ~1e-6 relative error, as for the models without attention.
    private const double LossRelativeTolerance = 2e-5;

    // Attention weights are softmax outputs in [0, 1] from float scores: ~1e-7 of float noise, 1e-5 leaves room
    // while a wrong score (a dropped bias, the wrong query slot) moves them by far more.
    private const double WeightTolerance = 1e-5;

    // Greedy decoding can only be compared token by token where the reference's argmax is not a near tie.
    private const double NearTie = 1e-4;

    public static TheoryData<string> Models => AttentionModels.All();

    /// <summary>The attention models and the bidirectional encoders, whose reference is the same with its encoder run both ways.</summary>
    public static TheoryData<string> ReferenceModels => AttentionModels.AllWithBidirectional();

    [Theory]
    [MemberData(nameof(ReferenceModels))]
    public void Forward_loss_and_attention_weights_match_the_reference(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 11);
        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        var workspace = model.CreateWorkspace();
        foreach (var (source, target) in AttentionModels.Inputs(model.Shape, seed: 11, randomCount: 12))
        {
            var loss = model.Forward(workspace, source, target);
            var expected = reference.Forward(source, target);
            var relative = Math.Abs(loss - expected.Loss) / Math.Max(1, Math.Abs(expected.Loss));
            Assert.True(relative <= LossRelativeTolerance,
                $"{modelName}, source [{string.Join(", ", source)}], target [{string.Join(", ", target)}]: loss {loss:R}, reference {expected.Loss:R}.");
            AssertWeights(model, workspace, expected.Weights, $"{modelName} forward, source length {source.Length}");
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceModels))]
    public void Greedy_decode_and_its_attention_weights_match_the_reference(string modelName)
    {
        // A larger initialisation scale makes the argmax decisive, so the token-by-token comparison is meaningful.
        var model = AttentionModels.Create(modelName, seed: 12);
        var parameters = model.Parameters;
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] *= 3f;
        }
        var reference = AttentionReference.FromModel(model, model.Shape.Attention);
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        var compared = 0;
        foreach (var (source, _) in AttentionModels.Inputs(model.Shape, seed: 12, randomCount: 20))
        {
            var count = model.DecodeGreedy(workspace, source, decoded);
            var expected = reference.DecodeGreedy(source);
            if (expected.Margins.Any(m => m < NearTie))
            {
                continue;
            }
            compared++;
            Assert.Equal(expected.Tokens, decoded[..count]);
            AssertWeights(model, workspace, expected.Weights, $"{modelName} greedy decode, source length {source.Length}");
        }
        output.WriteLine($"{modelName}: {compared} decodes compared.");
        Assert.True(compared >= 10, $"{modelName}: only {compared} decodes were free of near ties.");
    }

    [Theory]
    [MemberData(nameof(ReferenceModels))]
    public void Every_parameter_tensor_gradient_matches_central_differences_of_the_reference_loss(string modelName)
    {
        var failures = new List<string>();
        var cases = new (ulong Seed, int[] Source, int[] Target)[]
        {
            (1, [5, 9, 1, 10, 3, 7], [12, 4, 0, 8, 2]),
            (2, [6], [3]),
            (3, [2, 10, 4], [11, 5]),
        };
        foreach (var (seed, source, target) in cases)
        {
            // Weights at three times PyTorch's scale give peaked attention and gradients far above the absolute
            // tolerance; at PyTorch's own scale the attention is near uniform and its gradients are ~1e-5.
            var model = AttentionModels.Create(modelName, seed);
            var parameters = model.Parameters;
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i] *= 3f;
            }
            var workspace = model.CreateWorkspace();
            model.Forward(workspace, source, target);
            var gradients = new float[model.Layout.ParameterCount];
            model.Backward(workspace, gradients, 1f);
            var reference = AttentionReference.FromModel(model, model.Shape.Attention);

            var largest = new Dictionary<string, double>(StringComparer.Ordinal);
            var sample = new Random((int)seed);
            // Tiny models: every entry. Wide models (~40k floats): 40 entries of each tensor, drawn at random.
            int[] Entries(ParameterTensor tensor) => AttentionModels.IsWide(modelName) && tensor.Length > 40
                ? Enumerable.Range(0, 40).Select(_ => sample.Next(tensor.Length)).Distinct().ToArray()
                : Enumerable.Range(0, tensor.Length).ToArray();
            var check = ReferenceGradients.Check(
                $"{modelName}, source length {source.Length}, target length {target.Length}", model, gradients, reference,
                () => reference.Loss(source, target), Entries,
                (name, numeric) => largest[name] = Math.Max(largest.GetValueOrDefault(name), Math.Abs(numeric)));
            output.WriteLine(check.Report());
            output.WriteLine("  largest |numeric| per attention tensor: " + string.Join(", ", largest.Where(t => t.Key.Contains(".attention.", StringComparison.Ordinal)).Select(t => $"{t.Key} {t.Value:E2}")));
            if (source.Length > 1)
            {
                // With more than one source token every attention tensor and every reverse-direction tensor has a gradient
                // well above the tolerance, so the check above is not passed by gradients too small to tell right from wrong.
                // The exception is b_Va: softmax ignores a shift shared by every score, so its gradient is exactly 0 (and
                // checked as such).
                foreach (var (name, value) in largest.Where(t => IsCheckedForSize(t.Key)))
                {
                    Assert.True(value > 100 * ReferenceGradients.Absolute, $"{modelName}: the largest gradient entry of {name} is {value:E2}, too small for the check to mean anything.");
                }
            }
            if (!check.Passed)
            {
                failures.Add(check.Report());
            }
        }
        Assert.True(failures.Count == 0, "The generated Backward disagrees with finite differences of the reference loss:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Attention_weights_out_of_range_throw(string modelName)
    {
        var model = AttentionModels.Create(modelName, seed: 13);
        var workspace = model.CreateWorkspace();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetAttentionWeights(workspace, 0));
        model.Forward(workspace, [4, 5, 6], [7, 8]);
        Assert.Equal(3, model.GetAttentionWeights(workspace, 2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetAttentionWeights(workspace, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetAttentionWeights(workspace, -1));
        Assert.Throws<ArgumentException>(() => model.GetAttentionWeights(new TinyGru().CreateWorkspace(), 0));
    }

    [Fact]
    public void A_model_without_attention_returns_no_weights()
    {
        ISeq2SeqModel model = new TinyGru();
        model.InitializeParameters(1);
        var workspace = model.CreateWorkspace();
        model.Forward(workspace, [4, 5], [6]);
        Assert.True(model.GetAttentionWeights(workspace, 0).IsEmpty);
    }

    private static bool IsCheckedForSize(string tensor) =>
        (tensor.Contains(".attention.", StringComparison.Ordinal) && tensor != "decoder.attention.Va.bias")
        || tensor.EndsWith("_reverse", StringComparison.Ordinal);

    private static void AssertWeights(ISeq2SeqModel model, Seq2SeqWorkspace workspace, double[][] expected, string what)
    {
        if (model.Shape.Attention == AttentionKind.None)
        {
            Assert.True(model.GetAttentionWeights(workspace, 0).IsEmpty, $"{what}: a model without attention returned weights.");
            return;
        }
        for (var step = 0; step < expected.Length; step++)
        {
            var weights = model.GetAttentionWeights(workspace, step);
            Assert.Equal(expected[step].Length, weights.Length);
            double sum = 0;
            for (var j = 0; j < weights.Length; j++)
            {
                sum += weights[j];
                Assert.True(weights[j] >= 0 && Math.Abs(weights[j] - expected[step][j]) <= WeightTolerance,
                    $"{what}, step {step}, source position {j}: weight {weights[j]:R}, reference {expected[step][j]:R}.");
            }
            Assert.True(Math.Abs(sum - 1) <= WeightTolerance, $"{what}, step {step}: weights sum to {sum:R}, not 1.");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetAttentionWeights(workspace, expected.Length));
    }
}
