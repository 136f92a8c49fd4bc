using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// The teacher-forcing ratio and dropout rates in the <c>staticseq2seq.trainer</c> metadata entry: a resumed run
/// draws its passes from them, so a trainer with other values would not continue the saved run.
/// </summary>
public sealed class CheckpointPassSettingsTests : IDisposable
{
    private static readonly string[] PassFields = ["teacher_forcing_ratio", "embedding_dropout", "inter_layer_dropout"];

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_pass_settings_are_written_by_name_and_read_back()
    {
        var path = SaveAfterOneEpoch(Options(ratio: 0.5f, embedding: 0.1f, interLayer: 0.25f));

        var entry = SafetensorsParts.Read(path).TrainerEntry;
        var info = Checkpoint.ReadInfo(path);

        Assert.Equal((0.5f, 0.1f, 0.25f), ((float)entry["teacher_forcing_ratio"]!, (float)entry["embedding_dropout"]!, (float)entry["inter_layer_dropout"]!));
        Assert.Equal(new PassSettings(0.5f, 0.1f, 0.25f), info.Training!.Pass);
    }

    [Fact]
    public void A_trainer_with_other_pass_settings_is_refused_with_both_values_and_left_unchanged()
    {
        var path = SaveAfterOneEpoch(Options(ratio: 0.5f, embedding: 0.1f, interLayer: 0f));
        var model = new TinyGru();
        var trainer = new Seq2SeqTrainer(model, Options(ratio: 1f, embedding: 0f, interLayer: 0.2f));

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, model, trainer));

        Assert.Contains("TeacherForcingRatio 0.5 in the checkpoint, 1 in the trainer", error.Message, StringComparison.Ordinal);
        Assert.Contains("EmbeddingDropout 0.1 in the checkpoint, 0 in the trainer", error.Message, StringComparison.Ordinal);
        Assert.Contains("InterLayerDropout 0 in the checkpoint, 0.2 in the trainer", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, trainer.StepsCompleted);
        Assert.All(model.Parameters.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void A_trainer_with_the_saved_pass_settings_resumes()
    {
        var options = Options(ratio: 0.5f, embedding: 0.1f, interLayer: 0f);
        var path = SaveAfterOneEpoch(options);
        var trainer = new Seq2SeqTrainer(new TinyGru(), options);

        Checkpoint.Load(path, trainer.Model, trainer);

        Assert.Equal(1, trainer.EpochsCompleted);
    }

    [Fact]
    public void A_checkpoint_without_the_pass_settings_resumes_any_trainer()
    {
        var path = SaveAfterOneEpoch(Options(ratio: 1f, embedding: 0f, interLayer: 0f));
        var parts = SafetensorsParts.Read(path);
        parts.EditTrainerEntry(entry => Array.ForEach(PassFields, field => entry.Remove(field)));
        var older = folder.File("older.safetensors");
        parts.Write(older);
        var trainer = new Seq2SeqTrainer(new TinyGru(), Options(ratio: 0.5f, embedding: 0.1f, interLayer: 0f));

        Checkpoint.Load(older, trainer.Model, trainer);

        Assert.Null(Checkpoint.ReadInfo(older).Training!.Pass);
        Assert.Equal(1, trainer.EpochsCompleted);
    }

    [Theory]
    [InlineData("teacher_forcing_ratio", "1.5", "has teacher_forcing_ratio 1.5; it must be a probability from 0 to 1")]
    [InlineData("embedding_dropout", "1", "has embedding_dropout 1; it must be a rate from 0 up to 1 (excluded)")]
    [InlineData("inter_layer_dropout", "-0.1", "has inter_layer_dropout -0.1; it must be a rate from 0 up to 1 (excluded)")]
    [InlineData("embedding_dropout", "\"none\"", "has embedding_dropout \"none\"; it must be a rate from 0 up to 1 (excluded)")]
    public void A_damaged_pass_setting_is_named_in_the_error(string field, string json, string expected)
    {
        var parts = SafetensorsParts.Read(SaveAfterOneEpoch(Options(ratio: 1f, embedding: 0f, interLayer: 0f)));
        parts.EditTrainerEntry(entry => entry[field] = JsonNode.Parse(json));
        var damaged = folder.File("damaged.safetensors");
        parts.Write(damaged);

        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.ReadInfo(damaged));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pass_settings_given_in_part_are_named_in_the_error()
    {
        var parts = SafetensorsParts.Read(SaveAfterOneEpoch(Options(ratio: 1f, embedding: 0f, interLayer: 0f)));
        parts.EditTrainerEntry(entry => entry.Remove("inter_layer_dropout"));
        var damaged = folder.File("damaged.safetensors");
        parts.Write(damaged);

        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.ReadInfo(damaged));

        Assert.Contains("has teacher_forcing_ratio and embedding_dropout but not inter_layer_dropout", error.Message, StringComparison.Ordinal);
    }

    private string SaveAfterOneEpoch(TrainingOptions options)
    {
        var model = CheckpointTestData.Model(nameof(TinyGru), seed: 3);
        var trainer = new Seq2SeqTrainer(model, options);
        trainer.Train(CheckpointTestData.RandomPairs(model.Shape, 8, seed: 1));
        var path = folder.File($"run-{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(path, model, trainer: trainer);
        return path;
    }

    private static TrainingOptions Options(float ratio, float embedding, float interLayer) => CheckpointTestData.Options("Adam", epochs: 1) with
    {
        TeacherForcingRatio = ratio,
        EmbeddingDropout = embedding,
        InterLayerDropout = interLayer,
    };
}
