using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Training;

namespace Translate.Commands;

/// <summary>
/// Trains with a checkpoint saved atomically after every epoch, and once more when training ends or is interrupted,
/// so <c>resume</c> continues the run where it stopped.
/// </summary>
internal static class TrainingRun
{
    /// <summary>The exit code of a run stopped by Ctrl+C or SIGTERM, as a shell reports SIGINT.</summary>
    public const int Interrupted = 130;

    public static int Run(
        CommandContext context, Translator model, Seq2SeqTrainer trainer, TrainingData data, RunSettings settings, string checkpoint,
        CancellationToken cancellationToken)
    {
        var output = context.Output;
        var best = new BestParameters(checkpoint, model, data);
        void Save(bool finished) =>
            Checkpoint.Save(checkpoint, model, data.English, data.French, trainer, (settings with { Finished = finished }).ToMetadata());
        void SaveAtEpochEnd()
        {
            best.SaveIfBest(trainer);
            Save(finished: false);
        }

        var progress = new EpochCheckpoints(
            new TrainingProgressWriter(output, context.OutputIsTerminal), epochOffset: trainer.EpochsCompleted, SaveAtEpochEnd);
        TrainingSummary summary;
        try
        {
            summary = trainer.Train(data.Train, data.Validation, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The trainer stopped between two steps; saved now, the run resumes from that step.
            Save(finished: false);
            output.WriteLine();
            context.Error.WriteLine(
                $"Interrupted in epoch {trainer.EpochsCompleted + 1} after {trainer.StepsCompleted:N0} steps; {checkpoint} holds the run. " +
                $"Continue it with: resume --checkpoint {checkpoint}");
            return Interrupted;
        }
        if (best.RestoreIfHeldOnlyThere(trainer, summary))
        {
            summary = summary with { RestoredBestParameters = true };
        }
        Save(finished: true);
        best.Delete();
        output.WriteLine();
        output.WriteLine(TrainingSummaryLine.Format(summary));
        output.WriteLine($"Checkpoint: {checkpoint} (epoch {trainer.EpochsCompleted} of {settings.Epochs}, finished).");
        return 0;
    }

    /// <summary>Passes reports on with the run's epoch numbers and saves the checkpoint at each epoch's end.</summary>
    private sealed class EpochCheckpoints(IProgress<TrainingProgress> report, int epochOffset, Action save) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            report.Report(value with { Epoch = value.Epoch + epochOffset, Epochs = value.Epochs + epochOffset });
            if (value.IsEpochEnd)
            {
                save();
            }
        }
    }
}
