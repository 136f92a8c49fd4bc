namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>
/// A plain LSTM seq2seq model in double precision, written from the torch.nn.LSTM formulas, not from the generated
/// code: naive loops over PyTorch's row-major tensors, held under their state-dict names.
/// </summary>
/// <remarks>
/// <code>
/// encoder: x_t = encoder.embedding.weight[source[t]]; stacked LSTM layers, h_0 = c_0 = 0
/// decoder: stacked LSTM layers, layer l starting from the encoder's final (h, c) of layer l;
///          inputs SOS, target[0..n-1] embedded by decoder.embedding.weight;
///          logits_i = decoder.out.weight h_top + decoder.out.bias
/// loss:    L = sum_{i=0..n} -log softmax(logits_i)[expected_i], expected = target[0..n-1], EOS
/// LSTM:    a = W_ih x + b_ih + W_hh h + b_hh, rows in gate order (i, f, g, o)
///          i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
///          c' = f c + i g,  h' = o tanh(c')
/// </code>
/// The arrays in <see cref="Tensors"/> are the ones the model computes with, so a test can nudge one value in
/// place and recompute the loss (finite differences).
/// </remarks>
internal sealed class LstmReference
{
    private readonly Side encoder;
    private readonly Side decoder;
    private readonly double[] outputWeight;
    private readonly double[] outputBias;

    private LstmReference(ModelShape shape, Dictionary<string, double[]> tensors)
    {
        Shape = shape;
        Tensors = tensors;
        encoder = new Side(tensors, "encoder", shape.Layers);
        decoder = new Side(tensors, "decoder", shape.Layers);
        outputWeight = tensors["decoder.out.weight"];
        outputBias = tensors["decoder.out.bias"];
    }

    public ModelShape Shape { get; }

    /// <summary>Every parameter tensor in PyTorch's row-major order, by state-dict name.</summary>
    public IReadOnlyDictionary<string, double[]> Tensors { get; }

    /// <summary>A reference holding exactly the weights of <paramref name="model"/>, read through its layout table.</summary>
    public static LstmReference FromModel(ISeq2SeqModel model)
    {
        if (model.Shape.Cell != RecurrentCell.Lstm)
        {
            throw new ArgumentException($"The LSTM reference cannot run a {model.Shape.Cell} model.", nameof(model));
        }
        var tensors = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var tensor in model.Layout.Tensors)
        {
            var values = new float[tensor.Length];
            tensor.CopyToPyTorchOrder(model.Parameters, values);
            tensors[tensor.Name] = Array.ConvertAll(values, v => (double)v);
        }
        return new LstmReference(model.Shape, tensors);
    }

    /// <summary>The teacher-forced loss of <paramref name="target"/> given <paramref name="source"/>.</summary>
    public double Loss(IReadOnlyList<int> source, IReadOnlyList<int> target)
    {
        var (h, c) = Encode(source);
        var loss = 0.0;
        var input = SpecialTokens.Sos;
        for (var i = 0; i <= target.Count; i++)
        {
            var expected = i < target.Count ? target[i] : SpecialTokens.Eos;
            var logits = DecoderStep(input, h, c);
            loss += LogSumExp(logits) - logits[expected];
            input = expected;
        }
        return loss;
    }

    /// <summary>
    /// Greedy decoding: the argmax token at each step until EOS or the maximum target length. Also returns, over the
    /// steps taken, the smallest gap between the best and second-best logit, so a caller can tell a near tie.
    /// </summary>
    public (List<int> Tokens, double SmallestGap) DecodeGreedy(IReadOnlyList<int> source)
    {
        var (h, c) = Encode(source);
        var tokens = new List<int>();
        var smallestGap = double.PositiveInfinity;
        var input = SpecialTokens.Sos;
        for (var i = 0; i < Shape.MaxTargetLength; i++)
        {
            var logits = DecoderStep(input, h, c);
            var best = 0;
            for (var k = 1; k < logits.Length; k++)
            {
                if (logits[k] > logits[best])
                {
                    best = k;
                }
            }
            var second = double.NegativeInfinity;
            for (var k = 0; k < logits.Length; k++)
            {
                if (k != best)
                {
                    second = Math.Max(second, logits[k]);
                }
            }
            smallestGap = Math.Min(smallestGap, logits[best] - second);
            if (best == SpecialTokens.Eos)
            {
                break;
            }
            tokens.Add(best);
            input = best;
        }
        return (tokens, smallestGap);
    }

    private (double[][] H, double[][] C) Encode(IReadOnlyList<int> source)
    {
        int layers = Shape.Layers, hidden = Shape.HiddenSize;
        var h = new double[layers][];
        var c = new double[layers][];
        for (var l = 0; l < layers; l++)
        {
            h[l] = new double[hidden];
            c[l] = new double[hidden];
        }
        foreach (var token in source)
        {
            var x = Row(encoder.Embedding, token, Shape.EmbeddingSize);
            for (var l = 0; l < layers; l++)
            {
                (h[l], c[l]) = Cell(encoder, l, x, h[l], c[l]);
                x = h[l];
            }
        }
        return (h, c);
    }

    /// <summary>One decoder step: advances every layer's (h, c) in place and returns the logits.</summary>
    private double[] DecoderStep(int token, double[][] h, double[][] c)
    {
        var x = Row(decoder.Embedding, token, Shape.EmbeddingSize);
        for (var l = 0; l < Shape.Layers; l++)
        {
            (h[l], c[l]) = Cell(decoder, l, x, h[l], c[l]);
            x = h[l];
        }
        var vocabulary = Shape.TargetVocabularySize;
        var logits = new double[vocabulary];
        for (var v = 0; v < vocabulary; v++)
        {
            var sum = outputBias[v];
            for (var k = 0; k < x.Length; k++)
            {
                sum += outputWeight[v * x.Length + k] * x[k];
            }
            logits[v] = sum;
        }
        return logits;
    }

    private (double[] H, double[] C) Cell(Side side, int layer, double[] x, double[] h, double[] c)
    {
        var hidden = Shape.HiddenSize;
        var weightIh = side.WeightIh[layer];
        var weightHh = side.WeightHh[layer];
        var biasIh = side.BiasIh[layer];
        var biasHh = side.BiasHh[layer];
        var a = new double[4 * hidden];
        for (var r = 0; r < a.Length; r++)
        {
            var sum = biasIh[r] + biasHh[r];
            for (var k = 0; k < x.Length; k++)
            {
                sum += weightIh[r * x.Length + k] * x[k];
            }
            for (var k = 0; k < hidden; k++)
            {
                sum += weightHh[r * hidden + k] * h[k];
            }
            a[r] = sum;
        }
        var hNext = new double[hidden];
        var cNext = new double[hidden];
        for (var k = 0; k < hidden; k++)
        {
            var i = Sigmoid(a[k]);
            var f = Sigmoid(a[hidden + k]);
            var g = Math.Tanh(a[2 * hidden + k]);
            var o = Sigmoid(a[3 * hidden + k]);
            cNext[k] = f * c[k] + i * g;
            hNext[k] = o * Math.Tanh(cNext[k]);
        }
        return (hNext, cNext);
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double[] Row(double[] table, int row, int width) => table.AsSpan(row * width, width).ToArray();

    private static double LogSumExp(double[] values)
    {
        var max = values.Max();
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += Math.Exp(value - max);
        }
        return max + Math.Log(sum);
    }

    /// <summary>The tensors of the encoder or the decoder, looked up once by name.</summary>
    private sealed class Side
    {
        public Side(Dictionary<string, double[]> tensors, string module, int layers)
        {
            Embedding = tensors[$"{module}.embedding.weight"];
            WeightIh = new double[layers][];
            WeightHh = new double[layers][];
            BiasIh = new double[layers][];
            BiasHh = new double[layers][];
            for (var l = 0; l < layers; l++)
            {
                WeightIh[l] = tensors[$"{module}.rnn.weight_ih_l{l}"];
                WeightHh[l] = tensors[$"{module}.rnn.weight_hh_l{l}"];
                BiasIh[l] = tensors[$"{module}.rnn.bias_ih_l{l}"];
                BiasHh[l] = tensors[$"{module}.rnn.bias_hh_l{l}"];
            }
        }

        public double[] Embedding { get; }

        public double[][] WeightIh { get; }

        public double[][] WeightHh { get; }

        public double[][] BiasIh { get; }

        public double[][] BiasHh { get; }
    }
}
