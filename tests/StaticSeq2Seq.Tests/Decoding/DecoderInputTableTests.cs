using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Numerics;
using StaticSeq2Seq.Tests.Reference;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Decoding;

/// <summary>
/// Decoding reads the decoder's first-layer input product from a per-token table built from the parameters (the test
/// models are all small enough to get one), and a one-way encoder's layer 0 input product from a per-source-token table
/// likewise. Every way the parameters change (a training step, a checkpoint load, a
/// write through <see cref="ISeq2SeqModel.Parameters"/>, a new initialization) must reach the next greedy decode and
/// decoder step: each test decodes first, so a table exists, changes the parameters, and compares the next decode's
/// logits with the double-precision reference of the changed parameters, after checking that the change moved the
/// logits by far more than the tolerance, so a stale table could not pass.
/// </summary>
public sealed class DecoderInputTableTests
{
    private const double Tolerance = 1e-4;
    private const double ClearChange = 1e-2;

    private static readonly int[] Source = [4, 7, 3, 9];

    public static TheoryData<string> Models() => new(NumericsModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void A_training_step_reaches_the_next_decode(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var before = DecodeLogits(model);
        var pairs = new[] { new SequencePair(Source, [5, 6, 7]), new SequencePair([8, 3], [9, 4]) };
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions
        {
            ClipNorm = 0f,
            CreateOptimizer = count => new SgdMomentum(count, learningRate: 2f, momentum: 0),
        });

        trainer.TrainStep(pairs);

        CheckAgainstReference(model, before);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_checkpoint_load_reaches_the_next_decode(string modelName)
    {
        var saved = NumericsModels.Create(modelName, seed: 11);
        var path = Path.Combine(Path.GetTempPath(), $"decoder-input-table-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, saved);
            var model = NumericsModels.Create(modelName, seed: 3);
            var before = DecodeLogits(model);

            Checkpoint.Load(path, model);

            CheckAgainstReference(model, before);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_write_to_the_target_embedding_reaches_the_next_decode(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var before = DecodeLogits(model);
        var embedding = model.Layout["decoder.embedding.weight"];

        // SOS's row: the first decoder step reads it whatever the source.
        var row = model.Parameters.Slice(embedding.Offset + SpecialTokens.Sos * model.Shape.EmbeddingSize, model.Shape.EmbeddingSize);
        for (var k = 0; k < row.Length; k++)
        {
            row[k] = 3f * (k % 2 == 0 ? 1 : -1);
        }

        CheckAgainstReference(model, before);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_write_to_the_source_embedding_reaches_the_next_decode(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var before = DecodeLogits(model);
        var embedding = model.Layout["encoder.embedding.weight"];

        // The last source token's row: the encoder's final state, which the decoder starts from, reads it last.
        var row = model.Parameters.Slice(embedding.Offset + Source[^1] * model.Shape.EmbeddingSize, model.Shape.EmbeddingSize);
        for (var k = 0; k < row.Length; k++)
        {
            row[k] = 3f * (k % 2 == 0 ? 1 : -1);
        }

        CheckAgainstReference(model, before);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_new_initialization_reaches_the_next_decode(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var before = DecodeLogits(model);

        model.InitializeParameters(seed: 5);

        CheckAgainstReference(model, before);
    }

    /// <summary>
    /// Both tables hold the products training computes, float for float: the first decoder step after
    /// <see cref="ISeq2SeqModel.BeginDecode"/>, which reads them, gives the logits of the teacher-forced forward pass's
    /// first step bit for bit, including for sources of every length up to the longest (the all-steps kernel's row blocks
    /// and its remainder).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Decoding_from_the_tables_gives_the_forward_pass_first_logits_bit_for_bit(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 3);
        var workspace = model.CreateWorkspace();
        var forwardLogits = new float[model.Shape.TargetVocabularySize];
        var stepLogits = new float[model.Shape.TargetVocabularySize];
        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        for (var length = 1; length <= model.Shape.MaxSourceLength; length++)
        {
            var source = Enumerable.Range(0, length).Select(t => 3 + (5 * t + length) % (model.Shape.SourceVocabularySize - 3)).ToArray();
            model.Forward(workspace, source, [5]);
            model.ComputeLogits(workspace, 0, forwardLogits);
            model.BeginDecode(workspace, source, state);
            model.DecodeStep(workspace, state, SpecialTokens.Sos, next, stepLogits);
            Assert.Equal(CheckpointTestData.Bits(forwardLogits), CheckpointTestData.Bits(stepLogits));
        }
    }

    /// <summary>The first decoder step's logits of a greedy decode and of a step-wise decode, which both read the table.</summary>
    private static (float[] Greedy, float[] Step) DecodeLogits(ISeq2SeqModel model)
    {
        var workspace = model.CreateWorkspace();
        var decoded = new int[model.Shape.MaxTargetLength];
        model.DecodeGreedy(workspace, Source, decoded);
        var greedy = new float[model.Shape.TargetVocabularySize];
        model.ComputeLogits(workspace, 0, greedy);

        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        var step = new float[model.Shape.TargetVocabularySize];
        model.BeginDecode(workspace, Source, state);
        model.DecodeStep(workspace, state, SpecialTokens.Sos, next, step);
        return (greedy, step);
    }

    private static void CheckAgainstReference(ISeq2SeqModel model, (float[] Greedy, float[] Step) before)
    {
        var expected = ReferenceSeq2Seq.FromModel(model).Forward(Source, [5]).Logits[0];
        var moved = 0.0;
        for (var v = 0; v < expected.Length; v++)
        {
            moved = Math.Max(moved, Math.Abs(expected[v] - before.Greedy[v]));
        }
        Assert.True(moved > ClearChange, $"The change moved the reference's first logits by only {moved:E2}; a stale table would go unseen.");

        var (greedy, step) = DecodeLogits(model);
        for (var v = 0; v < expected.Length; v++)
        {
            Assert.True(Math.Abs(greedy[v] - expected[v]) <= Tolerance, $"Greedy decode, logit {v}: {greedy[v]} against the reference's {expected[v]}.");
            Assert.True(Math.Abs(step[v] - expected[v]) <= Tolerance, $"Decoder step, logit {v}: {step[v]} against the reference's {expected[v]}.");
        }
    }
}
