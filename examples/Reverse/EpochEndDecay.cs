using StaticSeq2Seq.Training;

namespace Reverse;

/// <summary>
/// Passes each progress report on to <paramref name="report"/>, then, at the end of every epoch from
/// <paramref name="firstEpoch"/> on, multiplies the optimizer's learning rate by <paramref name="factor"/>: a step
/// size that suits the first epochs is too coarse for the last few percent of accuracy.
/// </summary>
internal sealed class EpochEndDecay(IProgress<TrainingProgress> report, Seq2SeqTrainer trainer, int firstEpoch, float factor)
    : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        report.Report(value);
        if (value.IsEpochEnd && value.Epoch >= firstEpoch)
        {
            trainer.Optimizer.LearningRate *= factor;
        }
    }
}
