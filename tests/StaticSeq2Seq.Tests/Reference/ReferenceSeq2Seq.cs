using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Tests.Reference;

/// <summary>
/// A plain, obviously correct seq2seq model in double precision, written from the PyTorch formulas and not from
/// the generated code: naive loops, dynamic shapes, every weight in PyTorch's row-major order under its state-dict
/// name. The tests run it next to a generated model to check the generated forward pass, backward pass (through
/// finite differences of this loss) and greedy decoding.
/// </summary>
/// <remarks>
/// The model, in PyTorch terms:
/// <code>
/// encoder: x_t = encoder.embedding.weight[source[t]]; stacked torch.nn.GRU / torch.nn.RNN(tanh), h_0 = 0
/// decoder: stacked cell of the same kind, layer l starting from the encoder's final state of layer l;
///          inputs SOS, target[0..n-1] (embedded by decoder.embedding.weight, no ReLU, no dropout);
///          logits_i = decoder.out.weight h_top + decoder.out.bias
/// loss:    L = sum_{i=0..n} -log softmax(logits_i)[expected_i], expected = target[0..n-1], EOS
/// GRU:     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///          z = σ(W_iz x + b_iz + W_hz h + b_hz)
///          n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
///          h' = (1 - z) * n + z * h                      (rows of W_ih, W_hh, b_ih, b_hh in gate order r, z, n)
/// RNN:     h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
/// </code>
/// </remarks>
public sealed class ReferenceSeq2Seq
{
    /// <summary>A reference model of <paramref name="shape"/> with every weight zero.</summary>
    public ReferenceSeq2Seq(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckCell(shape.Cell);
        Shape = shape;
        Weights = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, dimensions) in TensorShapes(shape))
        {
            Weights[name] = new double[dimensions.Aggregate(1, (product, d) => product * d)];
        }
    }

    /// <summary>The model's shape.</summary>
    public ModelShape Shape { get; }

    /// <summary>Every parameter tensor, in PyTorch's row-major order, by its state-dict name.</summary>
    public Dictionary<string, double[]> Weights { get; }

    private int GateRows => Shape.Cell == RecurrentCell.Gru ? 3 * Shape.HiddenSize : Shape.HiddenSize;

    /// <summary>
    /// The state-dict names and PyTorch shapes of a model of <paramref name="shape"/>, as
    /// <c>torch.nn.Embedding</c>, <c>torch.nn.GRU</c>/<c>torch.nn.RNN</c> and <c>torch.nn.Linear</c> name them.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> TensorShapes(ModelShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckCell(shape.Cell);
        int e = shape.EmbeddingSize, h = shape.HiddenSize;
        int gates = shape.Cell == RecurrentCell.Gru ? 3 * h : h;
        var tensors = new List<(string, int[])>();
        foreach (var (module, vocabulary) in new[] { ("encoder", shape.SourceVocabularySize), ("decoder", shape.TargetVocabularySize) })
        {
            tensors.Add(($"{module}.embedding.weight", [vocabulary, e]));
            for (var l = 0; l < shape.Layers; l++)
            {
                var input = l == 0 ? e : h;
                tensors.Add(($"{module}.rnn.weight_ih_l{l}", [gates, input]));
                tensors.Add(($"{module}.rnn.weight_hh_l{l}", [gates, h]));
                tensors.Add(($"{module}.rnn.bias_ih_l{l}", [gates]));
                tensors.Add(($"{module}.rnn.bias_hh_l{l}", [gates]));
            }
        }
        tensors.Add(("decoder.out.weight", [shape.TargetVocabularySize, h]));
        tensors.Add(("decoder.out.bias", [shape.TargetVocabularySize]));
        return tensors;
    }

    /// <summary>
    /// A reference holding exactly the weights of <paramref name="model"/>, read through its layout table in
    /// PyTorch order. Throws when the layout lacks a tensor or gives it another shape.
    /// </summary>
    public static ReferenceSeq2Seq FromModel(ISeq2SeqModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var reference = new ReferenceSeq2Seq(model.Shape);
        foreach (var (name, dimensions) in TensorShapes(model.Shape))
        {
            var tensor = model.Layout[name];
            if (!tensor.Shape.SequenceEqual(dimensions))
            {
                throw new InvalidOperationException(
                    $"Tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}] in the model's layout; PyTorch's is [{string.Join(", ", dimensions)}].");
            }
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

    /// <summary>Writes these weights, rounded to float, into <paramref name="model"/> through its layout table.</summary>
    public void CopyTo(ISeq2SeqModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (name, weights) in Weights)
        {
            var values = new float[weights.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)weights[i];
            }
            model.Layout[name].CopyFromPyTorchOrder(values, model.Parameters);
        }
    }

    /// <summary>
    /// Fills every weight at random: embeddings normal with standard deviation <paramref name="embeddingScale"/>,
    /// everything else uniform on ±<paramref name="weightBound"/>. Values are rounded to float so that a float
    /// model given the same weights computes the same function.
    /// </summary>
    public void Randomize(Random random, double embeddingScale, double weightBound)
    {
        ArgumentNullException.ThrowIfNull(random);
        foreach (var (name, weights) in Weights)
        {
            var embedding = name.EndsWith(".embedding.weight", StringComparison.Ordinal);
            for (var i = 0; i < weights.Length; i++)
            {
                var value = embedding
                    ? embeddingScale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())
                    : weightBound * (2 * random.NextDouble() - 1);
                weights[i] = (float)value;
            }
        }
    }

    /// <summary>Teacher-forced forward pass: the loss and the logits of every decoder step.</summary>
    public ReferenceForwardResult Forward(IReadOnlyList<int> source, IReadOnlyList<int> target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        CheckTokens(source, Shape.SourceVocabularySize, Shape.MaxSourceLength, nameof(source));
        CheckTokens(target, Shape.TargetVocabularySize, Shape.MaxTargetLength, nameof(target));

        var state = Encode(source);
        var steps = target.Count + 1;
        var inputs = new int[steps];
        var expected = new int[steps];
        inputs[0] = SpecialTokens.Sos;
        for (var i = 0; i < target.Count; i++)
        {
            inputs[i + 1] = target[i];
            expected[i] = target[i];
        }
        expected[steps - 1] = SpecialTokens.Eos;

        var logits = new double[steps][];
        var stepLosses = new double[steps];
        double loss = 0;
        for (var i = 0; i < steps; i++)
        {
            logits[i] = DecoderStep(state, inputs[i]);
            stepLosses[i] = NegativeLogSoftmax(logits[i], expected[i]);
            loss += stepLosses[i];
        }
        return new ReferenceForwardResult(loss, stepLosses, logits, inputs, expected);
    }

    /// <summary>The teacher-forced loss alone.</summary>
    public double Loss(IReadOnlyList<int> source, IReadOnlyList<int> target) => Forward(source, target).Loss;

    /// <summary>
    /// Greedy decoding: feeds SOS, then each step's argmax (the first on a tie), until the argmax is EOS or
    /// <see cref="ModelShape.MaxTargetLength"/> steps have run. Returns the tokens (EOS not included) and, per
    /// step run, the gap between the largest and the second largest logit, so a caller can tell a near tie.
    /// </summary>
    public ReferenceDecodeResult DecodeGreedy(IReadOnlyList<int> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckTokens(source, Shape.SourceVocabularySize, Shape.MaxSourceLength, nameof(source));
        var state = Encode(source);
        var tokens = new List<int>();
        var choices = new List<int>();
        var margins = new List<double>();
        var token = SpecialTokens.Sos;
        for (var i = 0; i < Shape.MaxTargetLength; i++)
        {
            var logits = DecoderStep(state, token);
            var best = 0;
            for (var v = 1; v < logits.Length; v++)
            {
                if (logits[v] > logits[best])
                {
                    best = v;
                }
            }
            var second = double.NegativeInfinity;
            for (var v = 0; v < logits.Length; v++)
            {
                if (v != best && logits[v] > second)
                {
                    second = logits[v];
                }
            }
            choices.Add(best);
            margins.Add(logits[best] - second);
            if (best == SpecialTokens.Eos)
            {
                break;
            }
            tokens.Add(best);
            token = best;
        }
        return new ReferenceDecodeResult(tokens.ToArray(), choices.ToArray(), margins.ToArray());
    }

    /// <summary>Runs the encoder from zero states and returns each layer's final state.</summary>
    private double[][] Encode(IReadOnlyList<int> source)
    {
        var state = new double[Shape.Layers][];
        for (var l = 0; l < Shape.Layers; l++)
        {
            state[l] = new double[Shape.HiddenSize];
        }
        foreach (var token in source)
        {
            var x = EmbeddingRow("encoder.embedding.weight", token);
            for (var l = 0; l < Shape.Layers; l++)
            {
                state[l] = CellStep("encoder", l, x, state[l]);
                x = state[l];
            }
        }
        return state;
    }

    /// <summary>One decoder step: advances every layer's state in place and returns the output logits.</summary>
    private double[] DecoderStep(double[][] state, int token)
    {
        var x = EmbeddingRow("decoder.embedding.weight", token);
        for (var l = 0; l < Shape.Layers; l++)
        {
            state[l] = CellStep("decoder", l, x, state[l]);
            x = state[l];
        }
        return Affine(Weights["decoder.out.weight"], Weights["decoder.out.bias"], Shape.TargetVocabularySize, Shape.HiddenSize, x);
    }

    private double[] EmbeddingRow(string name, int token)
    {
        var row = new double[Shape.EmbeddingSize];
        Array.Copy(Weights[name], token * Shape.EmbeddingSize, row, 0, Shape.EmbeddingSize);
        return row;
    }

    private double[] CellStep(string module, int layer, double[] x, double[] h)
    {
        int hidden = Shape.HiddenSize, gates = GateRows;
        var gi = Affine(Weights[$"{module}.rnn.weight_ih_l{layer}"], Weights[$"{module}.rnn.bias_ih_l{layer}"], gates, x.Length, x);
        var gh = Affine(Weights[$"{module}.rnn.weight_hh_l{layer}"], Weights[$"{module}.rnn.bias_hh_l{layer}"], gates, hidden, h);
        var next = new double[hidden];
        if (Shape.Cell == RecurrentCell.Rnn)
        {
            for (var k = 0; k < hidden; k++)
            {
                next[k] = Math.Tanh(gi[k] + gh[k]);
            }
            return next;
        }
        for (var k = 0; k < hidden; k++)
        {
            var r = Sigmoid(gi[k] + gh[k]);
            var z = Sigmoid(gi[hidden + k] + gh[hidden + k]);
            var n = Math.Tanh(gi[2 * hidden + k] + r * gh[2 * hidden + k]);
            next[k] = (1 - z) * n + z * h[k];
        }
        return next;
    }

    /// <summary>y = W x + b for W of shape (rows, columns), row-major.</summary>
    private static double[] Affine(double[] weight, double[] bias, int rows, int columns, double[] x)
    {
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var sum = bias[r];
            for (var c = 0; c < columns; c++)
            {
                sum += weight[r * columns + c] * x[c];
            }
            y[r] = sum;
        }
        return y;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>-log softmax(logits)[index], computed as log Σ exp(l - max) - (l[index] - max).</summary>
    private static double NegativeLogSoftmax(double[] logits, int index)
    {
        var max = logits.Max();
        double sum = 0;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }
        return Math.Log(sum) - (logits[index] - max);
    }

    private static void CheckCell(RecurrentCell cell)
    {
        if (cell is not (RecurrentCell.Gru or RecurrentCell.Rnn))
        {
            throw new NotSupportedException($"The reference implements GRU and RNN cells, not {cell}.");
        }
    }

    private static void CheckTokens(IReadOnlyList<int> tokens, int vocabulary, int maxLength, string name)
    {
        if (tokens.Count == 0 || tokens.Count > maxLength)
        {
            throw new ArgumentException($"The reference takes 1..{maxLength} {name} tokens, not {tokens.Count}.", name);
        }
        foreach (var token in tokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(token, name);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, vocabulary, name);
        }
    }
}

/// <summary>What <see cref="ReferenceSeq2Seq.Forward"/> computes.</summary>
/// <param name="Loss">L, the sum of <paramref name="StepLosses"/>.</param>
/// <param name="StepLosses">-log softmax(logits_i)[expected_i] of each decoder step.</param>
/// <param name="Logits">The output logits of each decoder step, (steps, TargetVocabularySize).</param>
/// <param name="DecoderInputs">SOS, then the target.</param>
/// <param name="Expected">The target, then EOS.</param>
public sealed record ReferenceForwardResult(double Loss, double[] StepLosses, double[][] Logits, int[] DecoderInputs, int[] Expected);

/// <summary>What <see cref="ReferenceSeq2Seq.DecodeGreedy"/> computes.</summary>
/// <param name="Tokens">The decoded tokens, EOS not included.</param>
/// <param name="Choices">The argmax of every step run, EOS included when decoding stopped at it.</param>
/// <param name="Margins">Per step run, the largest logit minus the second largest.</param>
public sealed record ReferenceDecodeResult(int[] Tokens, int[] Choices, double[] Margins);
