using System.Text.Json.Nodes;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Tests.Models;
using StaticSeq2Seq.Training;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>The learning-rate schedule's and early stopping's state in the <c>staticseq2seq.trainer</c> metadata entry.</summary>
public sealed class CheckpointScheduleStateTests : IDisposable
{
    private static readonly string[] ScheduleFields =
        ["base_lr", "plateau_best", "plateau_bad_epochs", "plateau_cooldown_left", "best_validation_loss", "best_epoch", "epochs_without_improvement"];

    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_schedule_and_early_stopping_state_is_written_by_name()
    {
        var path = SaveAfterTwoEpochs();

        var trainer = SafetensorsParts.Read(path).TrainerEntry;

        Assert.All(ScheduleFields, field => Assert.True(trainer.ContainsKey(field), $"The trainer entry has no '{field}'."));
        Assert.Equal(0.01f, (float)trainer["base_lr"]!); // the Adam of CheckpointTestData.Options
        Assert.Equal(1, (int)trainer["best_epoch"]!);
        Assert.Equal(1, (int)trainer["epochs_without_improvement"]!);
    }

    [Fact]
    public void A_checkpoint_without_the_schedule_state_loads_as_a_run_without_one()
    {
        var path = SaveAfterTwoEpochs();
        var parts = SafetensorsParts.Read(path);
        parts.EditTrainerEntry(trainer => Array.ForEach(ScheduleFields, field => trainer.Remove(field)));
        var older = folder.File("older.safetensors");
        parts.Write(older);

        var resumed = new Seq2SeqTrainer(new TinyGru(), Options());
        Checkpoint.Load(older, resumed.Model, resumed);

        Assert.Equal(resumed.Optimizer.LearningRate, resumed.BaseLearningRate);
        Assert.Equal(PlateauState.Initial, resumed.PlateauState);
        Assert.Null(resumed.BestValidationLoss);
        Assert.Equal((0, 0), (resumed.BestEpoch, resumed.EpochsWithoutImprovement));
    }

    [Theory]
    [InlineData("best_epoch", "7", "best_epoch 7 with epochs_completed 2")]
    [InlineData("best_validation_loss", "\"low\"", "has best_validation_loss \"low\"; it must be a finite number")]
    [InlineData("plateau_bad_epochs", "-1", "has plateau_bad_epochs -1; it must be a whole number from 0")]
    [InlineData("base_lr", "-0.5", "has base_lr -0.5; it must be a finite learning rate of at least 0")]
    public void A_damaged_schedule_field_is_named_in_the_error(string field, string json, string expected)
    {
        var path = SaveAfterTwoEpochs();
        var parts = SafetensorsParts.Read(path);
        parts.EditTrainerEntry(trainer => trainer[field] = JsonNode.Parse(json));
        var damaged = folder.File("damaged.safetensors");
        parts.Write(damaged);

        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.ReadInfo(damaged));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Two epochs with reduce on plateau and early stopping: the second does not improve by MinDelta 100.</summary>
    private string SaveAfterTwoEpochs()
    {
        var model = CheckpointTestData.Model(nameof(TinyGru), seed: 3);
        var trainer = new Seq2SeqTrainer(model, Options());
        var pairs = CheckpointTestData.RandomPairs(model.Shape, 8, seed: 1);
        trainer.Train(pairs, CheckpointTestData.RandomPairs(model.Shape, 3, seed: 2));
        var path = folder.File("run.safetensors");
        Checkpoint.Save(path, model, trainer: trainer);
        return path;
    }

    private static TrainingOptions Options() => CheckpointTestData.Options("Adam", epochs: 2) with
    {
        LearningRateSchedule = new ReduceOnPlateau(patience: 5),
        EarlyStopping = new EarlyStoppingOptions { Patience = 5, MinDelta = 100 },
    };
}
