using Xunit;
namespace StaticSeq2Seq.Tests.Attention;

/// <summary>
/// A plain seq2seq model with attention in double precision, written from the formulas (the PyTorch tutorial's
/// <c>BahdanauAttention</c> + <c>AttnDecoderRNN</c>, and Luong et al. 2015's global attention without input
/// feeding), not from the generated code: naive loops, every weight in PyTorch's row-major order under its
/// state-dict name.
/// </summary>
/// <remarks>
/// <code>
/// encoder:   stacked torch.nn.RNN / GRU / LSTM from zero state; K = the top layer's states h_1..h_T
///            bidirectional (Shape.BidirectionalEncoder): torch.nn.GRU(bidirectional=True) over the real source, layer l > 0
///            reading [forward ; reverse]; K = forward_j + reverse_j of the top layer
/// decoder:   stacked cell of the same kind from the encoder's final state (h, and c for an LSTM) of each layer, or,
///            bidirectional, from forward final + reverse final of each layer
/// Bahdanau:  q = top decoder state before the step; score_j = Va · tanh(Wa q + ba + Ua k_j + bUa) + bVa;
///            a = softmax(score); c = Σ a_j k_j; layer 0 reads [embedding ; c]; logits = W_out h_top' + b_out
/// Luong:     after the step, h = h_top'; score_j = h · k_j (dot) or h · (Wa k_j) (general); a = softmax;
///            c = Σ a_j k_j; h~ = tanh(Wc [c ; h] + bc); logits = W_out h~ + b_out
/// loss:      L = Σ_i −log softmax(logits_i)[expected_i], expected = target, EOS
/// dropout:   with Dropout set, Forward masks each embedded input and each layer's output where the layer above reads it
///            ([forward ; reverse] in a bidirectional encoder), never the top layer's output or a state
/// </code>
/// </remarks>
internal sealed class AttentionReference
{
    public AttentionReference(ModelShape shape, AttentionKind attention)
    {
        Shape = shape;
        Attention = attention;
        Weights = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, dimensions) in TensorShapes(shape, attention))
        {
            Weights[name] = new double[dimensions.Aggregate(1, (product, d) => product * d)];
        }
    }

    public ModelShape Shape { get; }

    public AttentionKind Attention { get; }

    public Dictionary<string, double[]> Weights { get; }

    /// <summary>The dropout masks <see cref="Forward"/> and <see cref="Loss"/> apply; null (the default) drops nothing.</summary>
    public Reference.ReferenceDropout? Dropout { get; set; }

    private int H => Shape.HiddenSize;

    private int Gates => Shape.Cell switch
    {
        RecurrentCell.Lstm => 4 * H,
        RecurrentCell.Gru => 3 * H,
        _ => H,
    };

    /// <summary>State-dict names and PyTorch shapes.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> TensorShapes(ModelShape shape, AttentionKind attention)
    {
        int e = shape.EmbeddingSize, h = shape.HiddenSize;
        var gates = shape.Cell switch
        {
            RecurrentCell.Lstm => 4 * h,
            RecurrentCell.Gru => 3 * h,
            _ => h,
        };
        var tensors = new List<(string, int[])>();
        foreach (var (module, vocabulary) in new[] { ("encoder", shape.SourceVocabularySize), ("decoder", shape.TargetVocabularySize) })
        {
            tensors.Add(($"{module}.embedding.weight", [vocabulary, e]));
            var bidirectional = module == "encoder" && shape.BidirectionalEncoder;
            for (var l = 0; l < shape.Layers; l++)
            {
                var input = l > 0 ? (bidirectional ? 2 * h : h) : module == "decoder" && attention == AttentionKind.Bahdanau ? e + h : e;
                foreach (var suffix in bidirectional ? new[] { "", "_reverse" } : [""])
                {
                    tensors.Add(($"{module}.rnn.weight_ih_l{l}{suffix}", [gates, input]));
                    tensors.Add(($"{module}.rnn.weight_hh_l{l}{suffix}", [gates, h]));
                    tensors.Add(($"{module}.rnn.bias_ih_l{l}{suffix}", [gates]));
                    tensors.Add(($"{module}.rnn.bias_hh_l{l}{suffix}", [gates]));
                }
            }
        }
        switch (attention)
        {
            case AttentionKind.Bahdanau:
                tensors.Add(("decoder.attention.Wa.weight", [h, h]));
                tensors.Add(("decoder.attention.Wa.bias", [h]));
                tensors.Add(("decoder.attention.Ua.weight", [h, h]));
                tensors.Add(("decoder.attention.Ua.bias", [h]));
                tensors.Add(("decoder.attention.Va.weight", [1, h]));
                tensors.Add(("decoder.attention.Va.bias", [1]));
                break;
            case AttentionKind.LuongGeneral:
                tensors.Add(("decoder.attention.Wa.weight", [h, h]));
                tensors.Add(("decoder.attention.Wc.weight", [h, 2 * h]));
                tensors.Add(("decoder.attention.Wc.bias", [h]));
                break;
            case AttentionKind.LuongDot:
                tensors.Add(("decoder.attention.Wc.weight", [h, 2 * h]));
                tensors.Add(("decoder.attention.Wc.bias", [h]));
                break;
        }
        tensors.Add(("decoder.out.weight", [shape.TargetVocabularySize, h]));
        tensors.Add(("decoder.out.bias", [shape.TargetVocabularySize]));
        return tensors;
    }

    /// <summary>A reference holding the model's weights, read through its layout table in PyTorch order; the layout must list exactly these tensors.</summary>
    public static AttentionReference FromModel(ISeq2SeqModel model, AttentionKind attention)
    {
        var reference = new AttentionReference(model.Shape, attention);
        var expected = TensorShapes(model.Shape, attention);
        Assert.Equal(expected.Select(t => t.Name).Order(StringComparer.Ordinal), model.Layout.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var (name, dimensions) in expected)
        {
            var tensor = model.Layout[name];
            Assert.True(tensor.Shape.SequenceEqual(dimensions), $"{name}: layout shape [{string.Join(", ", tensor.Shape)}], PyTorch's [{string.Join(", ", dimensions)}].");
            var values = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, values);
            var weights = reference.Weights[name];
            for (var i = 0; i < values.Length; i++)
            {
                weights[i] = values[i];
            }
        }
        return reference;
    }

    /// <summary>
    /// The loss over the target and EOS. The decoder reads SOS then the target (teacher forcing), or the given
    /// <paramref name="decoderInputs"/> (SOS first, one per step), or, <paramref name="freeRunning"/>, SOS then its own
    /// argmax of each step.
    /// </summary>
    public AttentionForwardResult Forward(IReadOnlyList<int> source, IReadOnlyList<int> target, IReadOnlyList<int>? decoderInputs = null, bool freeRunning = false)
    {
        var (h, c, keys) = Encode(source, Dropout);
        var steps = target.Count + 1;
        double loss = 0;
        var weights = new double[steps][];
        var inputs = new int[steps];
        var margins = new double[steps];
        inputs[0] = SpecialTokens.Sos;
        for (var i = 0; i < steps; i++)
        {
            if (i > 0 && !freeRunning)
            {
                inputs[i] = decoderInputs?[i] ?? target[i - 1];
            }
            var expected = i < target.Count ? target[i] : SpecialTokens.Eos;
            var (logits, a) = DecoderStep(h, c, keys, inputs[i], i, Dropout);
            weights[i] = a;
            loss += NegativeLogSoftmax(logits, expected);
            var (best, margin) = ArgMax(logits);
            margins[i] = margin;
            if (freeRunning && i + 1 < steps)
            {
                inputs[i + 1] = best;
            }
        }
        return new AttentionForwardResult(loss, weights, inputs, margins);
    }

    public double Loss(IReadOnlyList<int> source, IReadOnlyList<int> target, IReadOnlyList<int>? decoderInputs = null) =>
        Forward(source, target, decoderInputs).Loss;

    /// <summary>Greedy decoding: tokens (EOS not included), each step's weights, and each step's gap between the two largest logits.</summary>
    public (int[] Tokens, double[][] Weights, double[] Margins) DecodeGreedy(IReadOnlyList<int> source)
    {
        var (h, c, keys) = Encode(source, dropout: null);
        var tokens = new List<int>();
        var weights = new List<double[]>();
        var margins = new List<double>();
        var token = SpecialTokens.Sos;
        for (var i = 0; i < Shape.MaxTargetLength; i++)
        {
            var (logits, a) = DecoderStep(h, c, keys, token, i, dropout: null);
            weights.Add(a);
            var order = Enumerable.Range(0, logits.Length).OrderByDescending(v => logits[v]).ToArray();
            margins.Add(logits[order[0]] - logits[order[1]]);
            if (order[0] == SpecialTokens.Eos)
            {
                break;
            }
            tokens.Add(order[0]);
            token = order[0];
        }
        return (tokens.ToArray(), weights.ToArray(), margins.ToArray());
    }

    /// <summary>The logits of each decoder step reading <paramref name="decoderInputs"/> in turn (SOS first), without dropout.</summary>
    public double[][] StepLogits(IReadOnlyList<int> source, IReadOnlyList<int> decoderInputs)
    {
        var (h, c, keys) = Encode(source, dropout: null);
        var logits = new double[decoderInputs.Count][];
        for (var i = 0; i < decoderInputs.Count; i++)
        {
            logits[i] = DecoderStep(h, c, keys, decoderInputs[i], i, dropout: null).Logits;
        }
        return logits;
    }

    private (double[][] H, double[][] C, List<double[]> Keys) Encode(IReadOnlyList<int> source, Reference.ReferenceDropout? dropout)
    {
        if (Shape.BidirectionalEncoder)
        {
            return EncodeBidirectional(source, dropout);
        }
        var h = new double[Shape.Layers][];
        var c = new double[Shape.Layers][];
        for (var l = 0; l < Shape.Layers; l++)
        {
            h[l] = new double[H];
            c[l] = new double[H];
        }
        var keys = new List<double[]>();
        for (var t = 0; t < source.Count; t++)
        {
            var x = Row("encoder.embedding.weight", source[t], Shape.EmbeddingSize);
            x = dropout?.Apply(x, Reference.ReferenceDropout.EncoderEmbedding, t) ?? x;
            for (var l = 0; l < Shape.Layers; l++)
            {
                (h[l], c[l]) = Cell("encoder", l, x, h[l], c[l]);
                x = l < Shape.Layers - 1 ? dropout?.Apply(h[l], Reference.ReferenceDropout.EncoderLayerOutput(l), t) ?? h[l] : h[l];
            }
            keys.Add(x);
        }
        return (h, c, keys);
    }

    /// <summary>
    /// torch.nn.RNN/GRU/LSTM(bidirectional=True) over the real source, layer by layer: the forward direction from position 0,
    /// the reverse direction from the last position, each from zero; layer l + 1 reads [forward_t ; reverse_t] of layer l.
    /// The decoder starts from forward final + reverse final of each layer (h and c), and the keys are forward_j + reverse_j.
    /// </summary>
    private (double[][] H, double[][] C, List<double[]> Keys) EncodeBidirectional(IReadOnlyList<int> source, Reference.ReferenceDropout? dropout)
    {
        var length = source.Count;
        var inputs = source.Select(token => Row("encoder.embedding.weight", token, Shape.EmbeddingSize)).ToArray();
        inputs = inputs.Select((x, t) => dropout?.Apply(x, Reference.ReferenceDropout.EncoderEmbedding, t) ?? x).ToArray();
        var h = new double[Shape.Layers][];
        var c = new double[Shape.Layers][];
        var forward = new double[length][];
        var reverse = new double[length][];
        for (var l = 0; l < Shape.Layers; l++)
        {
            var suffix = "";
            foreach (var direction in new[] { forward, reverse })
            {
                var (state, cell) = (new double[H], new double[H]);
                for (var step = 0; step < length; step++)
                {
                    var t = direction == forward ? step : length - 1 - step;
                    (state, cell) = Cell("encoder", l, inputs[t], state, cell, suffix);
                    direction[t] = state;
                }
                h[l] = h[l] is null ? state : Sum(h[l], state);
                c[l] = c[l] is null ? cell : Sum(c[l], cell);
                suffix = "_reverse";
            }
            var layer = l;
            inputs = Enumerable.Range(0, length).Select(t => (double[])[.. forward[t], .. reverse[t]])
                .Select((x, t) => dropout?.Apply(x, Reference.ReferenceDropout.EncoderLayerOutput(layer), t) ?? x).ToArray();
        }
        var keys = Enumerable.Range(0, length).Select(t => Sum(forward[t], reverse[t])).ToList();
        return (h, c, keys);
    }

    private static double[] Sum(double[] x, double[] y) => x.Zip(y, (a, b) => a + b).ToArray();

    /// <summary>One decoder step: advances the state in place; returns the logits and the attention weights.</summary>
    private (double[] Logits, double[] Weights) DecoderStep(double[][] h, double[][] c, List<double[]> keys, int token, int step, Reference.ReferenceDropout? dropout)
    {
        var top = Shape.Layers - 1;
        var x = Row("decoder.embedding.weight", token, Shape.EmbeddingSize);
        x = dropout?.Apply(x, Reference.ReferenceDropout.DecoderEmbedding, step) ?? x;
        double[] weights;
        if (Attention == AttentionKind.Bahdanau)
        {
            var query = Affine("decoder.attention.Wa.weight", "decoder.attention.Wa.bias", H, H, h[top]);
            var va = Weights["decoder.attention.Va.weight"];
            var scores = new double[keys.Count];
            for (var j = 0; j < keys.Count; j++)
            {
                var key = Affine("decoder.attention.Ua.weight", "decoder.attention.Ua.bias", H, H, keys[j]);
                double score = Weights["decoder.attention.Va.bias"][0];
                for (var k = 0; k < H; k++)
                {
                    score += va[k] * Math.Tanh(query[k] + key[k]);
                }
                scores[j] = score;
            }
            weights = Softmax(scores);
            x = [.. x, .. Context(weights, keys)];
        }
        else
        {
            weights = [];
        }
        for (var l = 0; l < Shape.Layers; l++)
        {
            (h[l], c[l]) = Cell("decoder", l, x, h[l], c[l]);
            x = l < top ? dropout?.Apply(h[l], Reference.ReferenceDropout.DecoderLayerOutput(l), step) ?? h[l] : h[l];
        }
        var output = h[top];
        if (Attention is AttentionKind.LuongDot or AttentionKind.LuongGeneral)
        {
            var scores = new double[keys.Count];
            for (var j = 0; j < keys.Count; j++)
            {
                var key = Attention == AttentionKind.LuongGeneral ? Affine("decoder.attention.Wa.weight", null, H, H, keys[j]) : keys[j];
                scores[j] = Dot(output, key);
            }
            weights = Softmax(scores);
            double[] combined = [.. Context(weights, keys), .. output];
            output = Affine("decoder.attention.Wc.weight", "decoder.attention.Wc.bias", H, 2 * H, combined).Select(Math.Tanh).ToArray();
        }
        return (Affine("decoder.out.weight", "decoder.out.bias", Shape.TargetVocabularySize, H, output), weights);
    }

    /// <summary>One step of layer <paramref name="layer"/>'s cell; <paramref name="suffix"/> <c>_reverse</c> picks a bidirectional layer's reverse tensors.</summary>
    private (double[] H, double[] C) Cell(string module, int layer, double[] x, double[] h, double[] c, string suffix = "")
    {
        var gi = Affine($"{module}.rnn.weight_ih_l{layer}{suffix}", $"{module}.rnn.bias_ih_l{layer}{suffix}", Gates, x.Length, x);
        var gh = Affine($"{module}.rnn.weight_hh_l{layer}{suffix}", $"{module}.rnn.bias_hh_l{layer}{suffix}", Gates, H, h);
        var hNext = new double[H];
        var cNext = new double[H];
        for (var k = 0; k < H; k++)
        {
            switch (Shape.Cell)
            {
                case RecurrentCell.Rnn:
                    hNext[k] = Math.Tanh(gi[k] + gh[k]);
                    break;
                case RecurrentCell.Gru:
                    var r = Sigmoid(gi[k] + gh[k]);
                    var z = Sigmoid(gi[H + k] + gh[H + k]);
                    var n = Math.Tanh(gi[2 * H + k] + r * gh[2 * H + k]);
                    hNext[k] = (1 - z) * n + z * h[k];
                    break;
                default:
                    var input = Sigmoid(gi[k] + gh[k]);
                    var forget = Sigmoid(gi[H + k] + gh[H + k]);
                    var g = Math.Tanh(gi[2 * H + k] + gh[2 * H + k]);
                    var o = Sigmoid(gi[3 * H + k] + gh[3 * H + k]);
                    cNext[k] = forget * c[k] + input * g;
                    hNext[k] = o * Math.Tanh(cNext[k]);
                    break;
            }
        }
        return (hNext, cNext);
    }

    private double[] Context(double[] weights, List<double[]> keys)
    {
        var context = new double[H];
        for (var j = 0; j < keys.Count; j++)
        {
            for (var k = 0; k < H; k++)
            {
                context[k] += weights[j] * keys[j][k];
            }
        }
        return context;
    }

    private double[] Row(string name, int token, int width) => Weights[name].AsSpan(token * width, width).ToArray();

    /// <summary>
    /// Weights whose products first replace their input x by <see cref="QuantizedInputs"/>'s function of it (what decoding
    /// with int8 activations multiplies by); null (the default) leaves every input as it is.
    /// </summary>
    public (IReadOnlySet<string> Weights, Func<double[], double[]> Quantize)? QuantizedInputs { get; set; }

    /// <summary>y = W x + b for W of shape (rows, columns), row-major; no bias when <paramref name="bias"/> is null.</summary>
    private double[] Affine(string weight, string? bias, int rows, int columns, double[] x)
    {
        if (QuantizedInputs is { } quantized && quantized.Weights.Contains(weight))
        {
            x = quantized.Quantize(x);
        }
        var w = Weights[weight];
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var sum = bias is null ? 0 : Weights[bias][r];
            for (var k = 0; k < columns; k++)
            {
                sum += w[r * columns + k] * x[k];
            }
            y[r] = sum;
        }
        return y;
    }

    private static double Dot(double[] x, double[] y)
    {
        double sum = 0;
        for (var k = 0; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }
        return sum;
    }

    private static double[] Softmax(double[] scores)
    {
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    /// <summary>The first index of the largest logit, and how far the second largest lies below it.</summary>
    private static (int Best, double Margin) ArgMax(double[] logits)
    {
        var best = 0;
        for (var v = 1; v < logits.Length; v++)
        {
            best = logits[v] > logits[best] ? v : best;
        }
        var second = double.NegativeInfinity;
        for (var v = 0; v < logits.Length; v++)
        {
            second = v != best && logits[v] > second ? logits[v] : second;
        }
        return (best, logits[best] - second);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double NegativeLogSoftmax(double[] logits, int index)
    {
        var max = logits.Max();
        var sum = logits.Sum(l => Math.Exp(l - max));
        return Math.Log(sum) - (logits[index] - max);
    }
}

/// <param name="Loss">The loss over the target and EOS.</param>
/// <param name="Weights">Each decoder step's attention weights over the source.</param>
/// <param name="DecoderInputs">The token each step read, SOS first.</param>
/// <param name="Margins">Per step, the largest logit minus the second largest, so a caller can tell a near tie.</param>
internal sealed record AttentionForwardResult(double Loss, double[][] Weights, int[] DecoderInputs, double[] Margins);
