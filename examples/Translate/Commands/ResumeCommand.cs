using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Training;

namespace Translate.Commands;

/// <summary>
/// <c>resume</c>: continues a <c>train</c> run from its checkpoint, which holds the parameters, the optimizer's moments
/// and step, the learning-rate schedule's and early stopping's state and the position in the epoch (the order of each
/// epoch's pairs follows from the seed and the epoch's number), so the run goes on as if it had never stopped.
/// </summary>
internal static class ResumeCommand
{
    public static int Run(CommandContext context, string checkpointArgument, CancellationToken cancellationToken)
    {
        var checkpoint = CheckpointFiles.ExistingCheckpoint(checkpointArgument);
        var info = Checkpoint.ReadInfo(checkpoint);
        var settings = RunSettings.FromMetadata(info, checkpoint);
        var training = info.Training ?? throw new CommandFailedException(
            $"Checkpoint '{checkpoint}' holds no training state, so its run cannot continue. Start a run with 'train'.");
        var epochsLeft = settings.Epochs - training.EpochsCompleted;
        if (settings.Finished || epochsLeft <= 0)
        {
            context.Output.WriteLine(
                $"The run in {checkpoint} has finished ({training.EpochsCompleted} of {settings.Epochs} epochs" +
                $"{(training.EpochsCompleted < settings.Epochs ? ", stopped early" : "")}); there is nothing to resume. Evaluate it with 'evaluate --checkpoint {checkpointArgument}'.");
            return 0;
        }
        var (english, french) = CheckpointFiles.Of(info, checkpoint);

        var corpus = TranslationCorpus.Load(TranslationCorpus.DefaultPath);
        var data = TrainingData.WithVocabularies(corpus, english, french, settings.TrainPairs, settings.ValidationPairs);
        var model = new Translator();
        var options = TranslatorTraining.Options(epochsLeft, training.Seed, training.BatchSize, training.BaseLearningRate, settings.EmbeddingDropout, context.ProgressInterval);
        using var trainer = new Seq2SeqTrainer(model, options);
        Checkpoint.Load(checkpoint, model, trainer);
        context.Output.WriteLine(
            $"Resuming {checkpoint}: {training.EpochsCompleted} of {settings.Epochs} epochs done" +
            (training.EpochPairsCompleted > 0 ? $" and {training.EpochPairsCompleted:N0} pairs of the next" : "") +
            $", {training.StepsCompleted:N0} steps; {data.Train.Length:N0} training and {data.Validation.Length:N0} validation pairs.");
        return TrainingRun.Run(context, model, trainer, data, settings, checkpoint, cancellationToken);
    }
}
