using System.Globalization;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Training;

namespace Translate.Commands;

/// <summary>
/// The parameters of the run's best epoch so far, kept in a file beside the checkpoint (<c>name.best.safetensors</c>)
/// while the run lasts. The trainer keeps them in memory to restore them when early stopping ends the run, but a
/// resumed trainer has them only if the best epoch was the last one saved; from this file a resumed run ends with the
/// same parameters as one that never stopped.
/// </summary>
internal sealed class BestParameters(string checkpoint, Translator model, TrainingData data)
{
    private const string EpochKey = "translate.best_epoch";

    public string Path { get; } = System.IO.Path.ChangeExtension(checkpoint, null) + ".best.safetensors";

    /// <summary>At an epoch's end: saves the parameters if this epoch's validation loss is the best so far.</summary>
    public void SaveIfBest(Seq2SeqTrainer trainer)
    {
        if (KeepsBest(trainer) && trainer.BestEpoch == trainer.EpochsCompleted)
        {
            Checkpoint.Save(Path, model, data.English, data.French, metadata: new Dictionary<string, string>
            {
                [EpochKey] = trainer.BestEpoch.ToString(CultureInfo.InvariantCulture),
            });
        }
    }

    /// <summary>
    /// After training: puts back the best epoch's parameters when the trainer should have and could not, because that
    /// epoch came before the checkpoint it resumed from. True if it did.
    /// </summary>
    /// <exception cref="CommandFailedException">The file is missing or holds another epoch's parameters.</exception>
    public bool RestoreIfHeldOnlyThere(Seq2SeqTrainer trainer, TrainingSummary summary)
    {
        if (!KeepsBest(trainer) || summary.RestoredBestParameters || trainer.BestEpoch == 0 || trainer.BestEpoch == trainer.EpochsCompleted)
        {
            return false;
        }
        var expected = trainer.BestEpoch.ToString(CultureInfo.InvariantCulture);
        if (!File.Exists(Path) || !Checkpoint.ReadInfo(Path).Metadata.TryGetValue(EpochKey, out var epoch) || epoch != expected)
        {
            throw new CommandFailedException(
                $"The run's best epoch was {expected}, whose parameters should be in {Path}, but that file is missing or holds another epoch's. " +
                "The checkpoint holds the last epoch's parameters instead.");
        }
        Checkpoint.Load(Path, model);
        return true;
    }

    /// <summary>Once the run has finished, its checkpoint holds the parameters it keeps.</summary>
    public void Delete() => File.Delete(Path);

    private static bool KeepsBest(Seq2SeqTrainer trainer) => trainer.Options.EarlyStopping is { RestoreBestParameters: true };
}
