using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Tests.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// Bad input to the runtime around a model (the step-wise decoder, beam search, the trainer on one or several threads,
/// evaluation, checkpoints with a vocabulary the model cannot hold) gets the documented exception, a message that
/// says what was wrong and what to do, and changes nothing.
/// </summary>
public sealed class RuntimeInputValidation
{
    public static TheoryData<string> Models => NumericsModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void The_step_decoder_refuses_a_bad_source_token_or_short_buffers(string modelName)
    {
        var model = NumericsModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var shape = model.Shape;
        var state = new float[model.DecoderStateSize];
        var next = new float[model.DecoderStateSize];
        var logits = new float[shape.TargetVocabularySize];

        Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => model.BeginDecode(workspace, [4, shape.SourceVocabularySize], state)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.BeginDecode(workspace, [], state)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => model.BeginDecode(workspace, new int[shape.MaxSourceLength + 1], state)).ParamName);
        var shortState = Assert.Throws<ArgumentException>(() => model.BeginDecode(workspace, [4], new float[model.DecoderStateSize - 1]));
        Assert.Equal("initialState", shortState.ParamName);
        Assert.Contains($"needs at least {model.DecoderStateSize}", shortState.Message);

        model.BeginDecode(workspace, [4, 5], state);
        var token = Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeStep(workspace, state, shape.TargetVocabularySize, next, logits));
        Assert.Equal("token", token.ParamName);
        Assert.Contains("Use an id the model's target vocabulary holds", token.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeStep(workspace, state, -1, next, logits));
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => model.DecodeStep(workspace, state.AsSpan(1), SpecialTokens.Sos, next, logits)).ParamName);
        Assert.Equal("nextState", Assert.Throws<ArgumentException>(() => model.DecodeStep(workspace, state, SpecialTokens.Sos, next.AsSpan(1), logits)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => model.DecodeStep(workspace, state, SpecialTokens.Sos, next, logits.AsSpan(1))).ParamName);

        // Buffers of exactly the sizes asked for are enough.
        model.DecodeStep(workspace, state, SpecialTokens.Sos, next, logits);
    }

    [Fact]
    public void Beam_search_refuses_a_bad_source_or_a_beam_wider_than_the_decoder()
    {
        var model = NumericsModels.Create(nameof(TinyGru), seed: 1);
        var workspace = model.CreateWorkspace();
        var decoder = new BeamSearchDecoder(model, maxBeamWidth: 2);
        var options = new BeamSearchOptions { BeamWidth = 2 };

        Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Decode(workspace, [model.Shape.SourceVocabularySize], options)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => decoder.Decode(workspace, [], options)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => decoder.Decode(workspace, new int[model.Shape.MaxSourceLength + 1], options)).ParamName);
        var wide = Assert.Throws<ArgumentException>(() => decoder.Decode(workspace, [4], options with { BeamWidth = 3 }));
        Assert.Contains("create it with a larger maximum", wide.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearchDecoder(model, maxBeamWidth: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearchOptions { BeamWidth = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearchOptions { LengthPenalty = float.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearchOptions { NBest = 0 });

        // A decode after the refusals works, and the refused ones left no result to read.
        Assert.Equal(2, decoder.Decode(workspace, [4, 5], options with { NBest = 2 }));
    }

    public static TheoryData<string, SequencePair, string> BadPairs => new()
    {
        { "source id", new SequencePair([4, 11], [5]), "has source id 11 at position 1, outside the model's 11 ids" },
        { "target id", new SequencePair([4], [5, -2]), "has target id -2 at position 1, outside the model's 13 ids" },
        { "empty source", new SequencePair([], [5]), "has an empty source" },
        { "empty target", new SequencePair([4], []), "has an empty target" },
        { "long source", new SequencePair(new int[7], [5]), "has a source of 7 tokens but the model takes at most 6" },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public void Training_refuses_a_bad_pair_by_its_index_before_the_first_step(string what, SequencePair bad, string expected)
    {
        var model = NumericsModels.Create(nameof(TinyGru), seed: 1);
        var before = CheckpointTestData.Bits(model.Parameters);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 12, seed: 2);
        pairs[7] = bad;
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4, Threads = 2 });

        var onTraining = Assert.Throws<ArgumentException>(() => trainer.Train(pairs));
        var onValidation = Assert.Throws<ArgumentException>(() => trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 4, seed: 3), pairs));

        Assert.True(onTraining.Message.Contains($"training set's pair 7 {expected}", StringComparison.Ordinal), $"{what}: {onTraining.Message}");
        Assert.Equal("train", onTraining.ParamName);
        Assert.Contains($"validation set's pair 7 {expected}", onValidation.Message);
        Assert.Equal("validation", onValidation.ParamName);
        Assert.Equal(before, CheckpointTestData.Bits(model.Parameters));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_single_step_refuses_a_bad_pair_a_null_pair_or_an_index_outside_the_set(int threads)
    {
        var model = NumericsModels.Create(nameof(TinyGru), seed: 1);
        var before = CheckpointTestData.Bits(model.Parameters);
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 12, seed: 2);
        using var trainer = new Seq2SeqTrainer(model, new TrainingOptions { Threads = threads });
        var withBadToken = pairs.ToArray();
        withBadToken[10] = new SequencePair([4], [13]);
        var withNull = pairs.ToArray();
        withNull[9] = null!;

        Assert.Equal("target", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(withBadToken)).ParamName);
        Assert.Contains("null pair", Assert.Throws<ArgumentException>(() => trainer.TrainStep(withNull)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(pairs, [0, 12]));
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() => trainer.TrainStep(ReadOnlySpan<SequencePair>.Empty)).ParamName);
        Assert.Throws<ArgumentNullException>(() => trainer.TrainStep(null!, [0]));

        Assert.Equal(before, CheckpointTestData.Bits(model.Parameters));
        Assert.Equal(0L, trainer.StepsCompleted);
        // The trainer still trains after the refusals.
        trainer.TrainStep(pairs);
        Assert.Equal(1L, trainer.StepsCompleted);
    }

    [Fact]
    public void Evaluation_refuses_an_empty_set_and_a_bad_pair()
    {
        var model = NumericsModels.Create(nameof(TinyGru), seed: 1);
        var workspace = model.CreateWorkspace();

        Assert.Throws<ArgumentException>(() => Evaluation.ValidationLoss(model, workspace, []));
        Assert.Throws<ArgumentException>(() => Evaluation.ExactSequenceAccuracy(model, workspace, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.ValidationLoss(model, workspace, [new SequencePair([4], [99])]));
        Assert.Throws<ArgumentNullException>(() => Evaluation.ValidationLoss(model, workspace, null!));
    }

    [Fact]
    public void Loading_a_checkpoint_whose_vocabulary_the_model_cannot_hold_is_a_mismatch_that_says_what_to_declare()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("model.safetensors");
        var model = new TinyGru();
        model.InitializeParameters(1);
        Checkpoint.Save(path, model, CheckpointTestData.Vocabulary(11, "s"), CheckpointTestData.Vocabulary(13, "t"));
        var parts = SafetensorsParts.Read(path);
        parts.Metadata["staticseq2seq.target_vocabulary"] = JsonNode.Parse(parts.Metadata["staticseq2seq.target_vocabulary"]!.GetValue<string>())!
            .AsArray().Append(JsonValue.Create("extra")).Aggregate(new JsonArray(), (array, token) => { array.Add(token?.DeepClone()); return array; }).ToJsonString();
        parts.Write(path);
        var target = new TinyGru();
        var before = CheckpointTestData.Bits(target.Parameters);

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, target));

        Assert.Contains("its target vocabulary has 14 tokens but the model's TargetVocabularySize is 13", error.Message);
        Assert.Contains("TargetVocabularySize = 14 or more", error.Message);
        Assert.Equal(before, CheckpointTestData.Bits(target.Parameters));
    }
}
