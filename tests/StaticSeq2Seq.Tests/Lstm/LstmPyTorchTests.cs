using StaticSeq2Seq.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>
/// A cross-check against torch.nn.LSTM itself: the loss, gradients and greedy decode that pytorch_lstm_reference.py
/// (next to this file) printed for fixed weights, against the generated models and the <see cref="LstmReference"/>.
/// It pins the reference to PyTorch's semantics (gate order, two biases, (h, c) handed to the decoder), so the other
/// LSTM tests do not rest on the reference alone.
/// </summary>
public sealed class LstmPyTorchTests(ITestOutputHelper output)
{
    private static readonly int[] Source = [4, 9, 5, 10, 3, 8];
    private static readonly int[] Target = [7, 3, 12, 6];

    // Printed by PyTorch 1.13 in float64 from float32 weights: per tensor, Σ_k g_k cos(0.37 k + 0.5) over PyTorch's
    // row-major order (catches a permuted gradient) and Σ_k g_k² (catches a scaled one).
    private const double OneLayerLoss = 12.835031810344024;
    private static readonly int[] OneLayerGreedy = [3, 3, 3, 3, 3];
    private static readonly (string Name, double Weighted, double Squares)[] OneLayerGradients =
    [
        ("encoder.embedding.weight", 0.054324322813964834, 0.0017623347888338216),
        ("encoder.rnn.weight_ih_l0", -0.15520064338028552, 0.010072404974241451),
        ("encoder.rnn.weight_hh_l0", 0.03957347444126573, 0.0018502386122523614),
        ("encoder.rnn.bias_ih_l0", 0.058035764452160229, 0.0079345083797716844),
        ("encoder.rnn.bias_hh_l0", 0.058035764452160243, 0.0079345083797716862),
        ("decoder.embedding.weight", -0.24208175010578656, 0.14679187852948461),
        ("decoder.rnn.weight_ih_l0", -0.66525731264847154, 0.33433551347495494),
        ("decoder.rnn.weight_hh_l0", -0.052571021652473127, 0.11690146633357763),
        ("decoder.rnn.bias_ih_l0", 0.35638386092004348, 0.31098081983053988),
        ("decoder.rnn.bias_hh_l0", 0.35638386092004365, 0.31098081983053988),
        ("decoder.out.weight", -1.0072913087062167, 1.5410579500042436),
        ("decoder.out.bias", 0.65120160952012396, 2.7251279997210953),
    ];

    private const double TwoLayerLoss = 13.073755561596748;
    private static readonly int[] TwoLayerGreedy = [7, 8, 8, 8, 8];
    private static readonly (string Name, double Weighted, double Squares)[] TwoLayerGradients =
    [
        ("encoder.embedding.weight", 0.0024144332853361082, 0.0013852608475865135),
        ("encoder.rnn.weight_ih_l0", 0.0030440597847739503, 0.0034944505225955125),
        ("encoder.rnn.weight_hh_l0", 0.0061175738416868949, 0.00047230241895011876),
        ("encoder.rnn.bias_ih_l0", 0.045660646384482181, 0.002405640382883848),
        ("encoder.rnn.bias_hh_l0", 0.045660646384482174, 0.002405640382883848),
        ("encoder.rnn.weight_ih_l1", -0.067084367425346542, 0.062796705791347371),
        ("encoder.rnn.weight_hh_l1", -0.040502367644471328, 0.039649258892488798),
        ("encoder.rnn.bias_ih_l1", 0.44853276468455022, 0.20069155117608325),
        ("encoder.rnn.bias_hh_l1", 0.44853276468455022, 0.20069155117608325),
        ("decoder.embedding.weight", 0.10816061932563054, 0.0081360266793997268),
        ("decoder.rnn.weight_ih_l0", -0.094693769353902751, 0.030778979224042408),
        ("decoder.rnn.weight_hh_l0", -0.065077851318186788, 0.0080695581263760703),
        ("decoder.rnn.bias_ih_l0", 0.13503995310603481, 0.021871962748166364),
        ("decoder.rnn.bias_hh_l0", 0.13503995310603481, 0.02187196274816636),
        ("decoder.rnn.weight_ih_l1", 0.14881272752912905, 0.31128258069437859),
        ("decoder.rnn.weight_hh_l1", -0.33421318065871647, 0.094786698076213885),
        ("decoder.rnn.bias_ih_l1", 0.49957020901491678, 1.0824058445921294),
        ("decoder.rnn.bias_hh_l1", 0.49957020901491656, 1.0824058445921294),
        ("decoder.out.weight", 0.63788710792510539, 0.88941805479644376),
        ("decoder.out.bias", -0.46996728876449489, 3.228112716219524),
    ];

    [Fact]
    public void One_layer_matches_torch_nn_LSTM() => Check(new TinyLstm(), OneLayerLoss, OneLayerGreedy, OneLayerGradients);

    [Fact]
    public void Two_layers_match_torch_nn_LSTM() => Check(new TinyLstm2(), TwoLayerLoss, TwoLayerGreedy, TwoLayerGradients);

    private void Check(ISeq2SeqModel model, double expectedLoss, int[] expectedGreedy, (string Name, double Weighted, double Squares)[] expectedGradients)
    {
        WriteScriptWeights(model);
        var name = model.GetType().Name;

        // The reference computes in double like PyTorch does here, so the two agree to rounding.
        var reference = LstmReference.FromModel(model);
        Assert.Equal(expectedLoss, reference.Loss(Source, Target), 1e-11);
        Assert.Equal(expectedGreedy, reference.DecodeGreedy(Source).Tokens);

        // The generated model in float: the loss tolerance of LstmForwardTests.
        var workspace = model.CreateWorkspace();
        var loss = model.Forward(workspace, Source, Target);
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * expectedLoss, $"{name}: generated loss {loss:R}, PyTorch {expectedLoss:R}.");
        var gradients = new float[model.Layout.ParameterCount];
        model.Backward(workspace, gradients, 1f);
        Assert.Equal(expectedGradients.Select(g => g.Name), model.Layout.Tensors.Select(t => t.Name));
        var worst = 0.0;
        foreach (var (tensorName, weighted, squares) in expectedGradients)
        {
            var tensor = model.Layout[tensorName];
            var values = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(gradients, values);
            double actualWeighted = 0, actualSquares = 0, magnitude = 0;
            for (var k = 0; k < values.Length; k++)
            {
                actualWeighted += values[k] * Math.Cos(0.37 * k + 0.5);
                actualSquares += (double)values[k] * values[k];
                magnitude += Math.Abs(values[k]);
            }
            // Each float gradient value is good to ~1e-6 relative to the terms summed into it (see LstmGradientTests),
            // so the weighted sum is good to ~1e-6 of Σ|g| and Σg² to ~1e-6 of itself (worst seen 6e-7, printed);
            // 1e-5 leaves an order of magnitude, far below what a wrong or permuted gradient changes.
            var weightedError = Math.Abs(actualWeighted - weighted) / (1e-7 + magnitude);
            var squaresError = Math.Abs(actualSquares - squares) / (1e-12 + squares);
            worst = Math.Max(worst, Math.Max(weightedError, squaresError));
            Assert.True(weightedError <= 1e-5, $"{name}, {tensorName}: Σ g_k cos(0.37k + 0.5) generated {actualWeighted:R}, PyTorch {weighted:R}.");
            Assert.True(squaresError <= 1e-5, $"{name}, {tensorName}: Σ g_k² generated {actualSquares:R}, PyTorch {squares:R}.");
        }

        var decoded = new int[model.Shape.MaxTargetLength];
        var count = model.DecodeGreedy(workspace, Source, decoded);
        Assert.Equal(expectedGreedy, decoded.Take(count));
        output.WriteLine($"{name}: loss {loss:R} (PyTorch {expectedLoss:R}); worst relative gradient checksum difference {worst:E2}.");
    }

    /// <summary>The script's weights: tensor t (layout order), row-major index k, float32(scale · sin(0.7 k + 1.1 t + 0.3)).</summary>
    private static void WriteScriptWeights(ISeq2SeqModel model)
    {
        var tensors = model.Layout.Tensors;
        for (var t = 0; t < tensors.Length; t++)
        {
            var tensor = tensors[t];
            var scale = tensor.Name.EndsWith("embedding.weight", StringComparison.Ordinal) ? 1.0 : 0.5;
            var values = new float[tensor.Length];
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = (float)(Math.Sin(0.7 * k + 1.1 * t + 0.3) * scale);
            }
            tensor.CopyFromPyTorchOrder(values, model.Parameters);
        }
    }
}
