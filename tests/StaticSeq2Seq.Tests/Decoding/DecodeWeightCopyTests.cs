using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Numerics;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Attention;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Tests.Numerics;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Decoding;

/// <summary>
/// Models that decode from a narrower copy of the decoder's matrices (the recurrent weights, except layer 0's input
/// weights where the model reads them from its float input table, the attention's W_a or W_c and the output
/// projection) decode as the double-precision reference does with those matrices narrowed as the format narrows them
/// (<see cref="Narrow"/>) and every other tensor, the encoder's included, as it is. Each check first makes sure that
/// narrowing moves the reference's logits by far more than the tolerance, so decoding with the float weights, or with
/// a stale copy, could not pass. The models decode in bfloat16 (rounded to nearest, ties to even) or in int8 (per output
/// row, scale = max |w| / 127, q = round(w / scale), ties to even; the reference multiplies by q * scale). With int8
/// activations too, a one-way encoder's W_hh of every layer and W_ih above the first are narrowed as well, and each
/// narrowed matrix's input vector is quantized the same way with one scale for the whole vector before the product.
/// </summary>
public sealed class DecodeWeightCopyTests
{
    private const double Tolerance = 1e-4;
    private const double ClearChange = 1e-2;

    private sealed record Case(Func<ISeq2SeqModel> Create, AttentionKind Attention, bool HasInputTable, DecodeWeightFormat Format);

    private static Case Get(string name) => name switch
    {
        nameof(BFloat16BahdanauGru2) => new(() => new BFloat16BahdanauGru2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.BFloat16),
        nameof(BFloat16LuongLstm2) => new(() => new BFloat16LuongLstm2(), AttentionKind.LuongDot, HasInputTable: true, DecodeWeightFormat.BFloat16),
        nameof(BFloat16Gru) => new(() => new BFloat16Gru(), AttentionKind.None, HasInputTable: true, DecodeWeightFormat.BFloat16),
        nameof(BFloat16BidirectionalBahdanauLstm2) => new(() => new BFloat16BidirectionalBahdanauLstm2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.BFloat16),
        nameof(Int8BahdanauGru2) => new(() => new Int8BahdanauGru2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.Int8),
        nameof(Int8LuongGeneralLstm2) => new(() => new Int8LuongGeneralLstm2(), AttentionKind.LuongGeneral, HasInputTable: true, DecodeWeightFormat.Int8),
        nameof(Int8Gru) => new(() => new Int8Gru(), AttentionKind.None, HasInputTable: true, DecodeWeightFormat.Int8),
        nameof(Int8BidirectionalBahdanauLstm2) => new(() => new Int8BidirectionalBahdanauLstm2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.Int8),
        nameof(Int8DynamicBahdanauGru2) => new(() => new Int8DynamicBahdanauGru2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.Int8Dynamic),
        nameof(Int8DynamicLuongGeneralLstm2) => new(() => new Int8DynamicLuongGeneralLstm2(), AttentionKind.LuongGeneral, HasInputTable: true, DecodeWeightFormat.Int8Dynamic),
        nameof(Int8DynamicBidirectionalBahdanauLstm2) => new(() => new Int8DynamicBidirectionalBahdanauLstm2(), AttentionKind.Bahdanau, HasInputTable: false, DecodeWeightFormat.Int8Dynamic),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a test model that decodes from a copy."),
    };

    private static readonly string[] Names =
    [
        nameof(BFloat16BahdanauGru2), nameof(BFloat16LuongLstm2), nameof(BFloat16Gru), nameof(BFloat16BidirectionalBahdanauLstm2),
        nameof(Int8BahdanauGru2), nameof(Int8LuongGeneralLstm2), nameof(Int8Gru), nameof(Int8BidirectionalBahdanauLstm2),
        nameof(Int8DynamicBahdanauGru2), nameof(Int8DynamicLuongGeneralLstm2), nameof(Int8DynamicBidirectionalBahdanauLstm2),
    ];

    public static TheoryData<string> Models => new(Names);

    public static TheoryData<string, string> ModelsAndChanges()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in Names)
        {
            foreach (var change in new[] { "initialization", "write through Parameters", "checkpoint load", "training step" })
            {
                data.Add(model, change);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Greedy_and_step_wise_decoding_equal_the_reference_with_narrowed_weights(string name)
    {
        var test = Get(name);
        var model = test.Create();
        var workspace = model.CreateWorkspace();
        var random = new Random(7);
        var decoded = new int[model.Shape.MaxTargetLength];
        double narrowingEffect = 0;
        var greedyCompared = 0;
        for (var seed = 1UL; seed <= 3; seed++)
        {
            model.InitializeParameters(seed);
            Scale(model.Parameters, 3f);
            var narrowed = NarrowedReference(model, test);
            var exact = AttentionReference.FromModel(model, test.Attention);
            for (var trial = 0; trial < 8; trial++)
            {
                var source = Tokens(random, random.Next(1, model.Shape.MaxSourceLength + 1), model.Shape.SourceVocabularySize);
                var count = model.DecodeGreedy(workspace, source, decoded);
                var tokens = decoded[..count];

                var (expectedTokens, _, margins) = narrowed.DecodeGreedy(source);
                if (margins.All(m => m > Tolerance))
                {
                    Assert.Equal(expectedTokens, tokens);
                    greedyCompared++;
                }

                int[] inputs = [SpecialTokens.Sos, .. tokens.Take(model.Shape.MaxTargetLength - 1)];
                var expected = narrowed.StepLogits(source, inputs);
                var unrounded = exact.StepLogits(source, inputs);
                var actual = StepLogits(model, workspace, source, inputs);
                for (var i = 0; i < inputs.Length; i++)
                {
                    for (var v = 0; v < expected[i].Length; v++)
                    {
                        Assert.True(Math.Abs(actual[i][v] - expected[i][v]) <= Tolerance * (1 + Math.Abs(expected[i][v])),
                            $"{name}, seed {seed}, step {i}, logit {v}: {actual[i][v]} against the narrowed reference's {expected[i][v]}.");
                        // How many times this logit's tolerance narrowing moved it.
                        narrowingEffect = Math.Max(narrowingEffect, Math.Abs(unrounded[i][v] - expected[i][v]) / (Tolerance * (1 + Math.Abs(expected[i][v]))));
                    }
                }
            }
        }
        Assert.True(narrowingEffect > 10, $"Narrowing moved the reference's logits by at most {narrowingEffect:F1} times their tolerance; float decoding could go unseen.");
        Assert.True(greedyCompared >= 12, $"Only {greedyCompared} of 24 greedy decodes had clear margins to compare.");
    }

    [Theory]
    [MemberData(nameof(ModelsAndChanges))]
    public void The_narrowed_weights_follow_a_change_of_the_parameters(string name, string change)
    {
        var test = Get(name);
        var model = test.Create();
        model.InitializeParameters(3);
        var workspace = model.CreateWorkspace();
        int[] source = [4, 7, 3, 9];
        var before = StepLogits(model, workspace, source, [SpecialTokens.Sos])[0];

        Change(model, change);

        var expected = NarrowedReference(model, test).StepLogits(source, [SpecialTokens.Sos])[0];
        var moved = expected.Select((e, v) => Math.Abs(e - before[v])).Max();
        Assert.True(moved > ClearChange, $"The {change} moved the first logits by only {moved:E2}; a stale copy would go unseen.");
        var actual = StepLogits(model, workspace, source, [SpecialTokens.Sos])[0];
        var decoded = new int[model.Shape.MaxTargetLength];
        model.DecodeGreedy(workspace, source, decoded);
        for (var v = 0; v < expected.Length; v++)
        {
            Assert.True(Math.Abs(actual[v] - expected[v]) <= Tolerance * (1 + Math.Abs(expected[v])),
                $"{name} after a {change}, logit {v}: {actual[v]} against the narrowed reference's {expected[v]}.");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_decoding_allocates_zero_bytes(string name)
    {
        var model = Get(name).Create();
        model.InitializeParameters(1);
        var workspace = model.CreateWorkspace();
        var random = new Random(3);
        var sources = Enumerable.Range(0, 8).Select(_ => Tokens(random, random.Next(1, model.Shape.MaxSourceLength + 1), model.Shape.SourceVocabularySize)).ToArray();
        var decoded = new int[model.Shape.MaxTargetLength];
        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        var logits = new float[model.Shape.TargetVocabularySize];

        var allocated = HotPathAllocations.MeasureWarm(i =>
        {
            model.DecodeGreedy(workspace, sources[i & 7], decoded);
            model.BeginDecode(workspace, sources[i & 7], state);
            model.DecodeStep(workspace, state, SpecialTokens.Sos, next, logits);
        });

        Assert.True(allocated == 0, $"{name}: warm decoding allocated {allocated} bytes.");
    }

    private static void Change(ISeq2SeqModel model, string change)
    {
        switch (change)
        {
            case "initialization":
                model.InitializeParameters(5);
                break;
            case "write through Parameters":
                Scale(model.Parameters, 2f);
                break;
            case "checkpoint load":
                var saved = (ISeq2SeqModel)Activator.CreateInstance(model.GetType())!;
                saved.InitializeParameters(11);
                var path = Path.Combine(Path.GetTempPath(), $"decode-weights-{Guid.NewGuid():N}.safetensors");
                try
                {
                    Checkpoint.Save(path, saved);
                    Checkpoint.Load(path, model);
                }
                finally
                {
                    File.Delete(path);
                }
                break;
            default:
                using (var trainer = new Seq2SeqTrainer(model, new TrainingOptions
                {
                    ClipNorm = 0f,
                    CreateOptimizer = count => new SgdMomentum(count, learningRate: 2f, momentum: 0),
                }))
                {
                    trainer.TrainStep([new SequencePair([4, 7, 3, 9], [5, 6, 7]), new SequencePair([8, 3], [9, 4])]);
                }
                break;
        }
    }

    /// <summary>The reference of the model's parameters, with the matrices the model decodes from its copy narrowed as the copy narrows them.</summary>
    private static AttentionReference NarrowedReference(ISeq2SeqModel model, Case test)
    {
        var reference = AttentionReference.FromModel(model, test.Attention);
        var names = new List<string> { "decoder.out.weight" };
        for (var layer = 0; layer < model.Shape.Layers; layer++)
        {
            if (layer > 0 || !test.HasInputTable)
            {
                names.Add($"decoder.rnn.weight_ih_l{layer}");
            }
            names.Add($"decoder.rnn.weight_hh_l{layer}");
        }
        switch (test.Attention)
        {
            case AttentionKind.Bahdanau:
                names.Add("decoder.attention.Wa.weight");
                break;
            case AttentionKind.LuongDot or AttentionKind.LuongGeneral:
                names.Add("decoder.attention.Wc.weight");
                break;
        }
        if (test.Format == DecodeWeightFormat.Int8Dynamic && !model.Shape.BidirectionalEncoder)
        {
            for (var layer = 0; layer < model.Shape.Layers; layer++)
            {
                if (layer > 0)
                {
                    names.Add($"encoder.rnn.weight_ih_l{layer}");
                }
                names.Add($"encoder.rnn.weight_hh_l{layer}");
            }
        }
        foreach (var name in names)
        {
            var shape = model.Layout[name].Shape;
            Narrow(reference.Weights[name], shape[0], shape[1], test.Format);
        }
        if (test.Format == DecodeWeightFormat.Int8Dynamic)
        {
            reference.QuantizedInputs = (names.ToHashSet(StringComparer.Ordinal), QuantizeInput);
        }
        return reference;
    }

    /// <summary>
    /// Replaces each weight of a matrix in PyTorch's (rows, columns) order by the float the model's copy stands for:
    /// its bfloat16 rounding, or q * scale of its row's int8 quantization.
    /// </summary>
    private static void Narrow(double[] weights, int rows, int columns, DecodeWeightFormat format)
    {
        for (var row = 0; row < rows; row++)
        {
            var values = weights.AsSpan(row * columns, columns);
            if (format == DecodeWeightFormat.BFloat16)
            {
                for (var j = 0; j < columns; j++)
                {
                    values[j] = BFloat16Rounding.Widen(BFloat16Rounding.Round((float)values[j]));
                }
                continue;
            }
            double largest = 0;
            foreach (var value in values)
            {
                largest = Math.Max(largest, Math.Abs(value));
            }
            var scale = Int8Quantization.RowScale((float)largest);
            for (var j = 0; j < columns; j++)
            {
                values[j] = Int8Quantization.Quantize((float)values[j], scale) * (double)scale;
            }
        }
    }

    /// <summary>An input vector as the product with int8 activations reads it: q * scale with scale = max |x| / 63 and q = round(x / scale), ties to even.</summary>
    private static double[] QuantizeInput(double[] x)
    {
        var scale = (float)x.Max(Math.Abs) / 63f;
        return x.Select(value => scale > 0f ? MathF.Round((float)value / scale, MidpointRounding.ToEven) * (double)scale : 0.0).ToArray();
    }

    /// <summary>The logits of each step of step-wise decoding (what beam search runs) reading <paramref name="inputs"/> in turn.</summary>
    private static float[][] StepLogits(ISeq2SeqModel model, Seq2SeqWorkspace workspace, int[] source, int[] inputs)
    {
        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        var logits = new float[inputs.Length][];
        model.BeginDecode(workspace, source, state);
        for (var i = 0; i < inputs.Length; i++)
        {
            logits[i] = new float[model.Shape.TargetVocabularySize];
            model.DecodeStep(workspace, state, inputs[i], next, logits[i]);
            (state, next) = (next, state);
        }
        return logits;
    }

    private static void Scale(Span<float> values, float factor)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    private static int[] Tokens(Random random, int length, int vocabulary) =>
        Enumerable.Range(0, length).Select(_ => random.Next(4, vocabulary)).ToArray();
}
