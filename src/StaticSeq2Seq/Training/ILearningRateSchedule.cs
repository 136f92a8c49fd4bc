namespace StaticSeq2Seq.Training;

/// <summary>
/// Gives the learning rate of each optimizer step. A schedule is an immutable description, so one instance can serve
/// many trainers; what a schedule must remember between steps (the rate <see cref="ReduceOnPlateau"/> has reduced to)
/// the trainer keeps, and a checkpoint saves it. <see cref="LearningRateAt"/> must not allocate: the trainer calls it
/// before every step.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of a step.</summary>
    /// <param name="step">The step's index over the trainer's life, from 0 (the trainer's <see cref="Seq2SeqTrainer.StepsCompleted"/> before it).</param>
    /// <param name="epoch">The index of the epoch the step belongs to, from 0 (the trainer's <see cref="Seq2SeqTrainer.EpochsCompleted"/> before it).</param>
    /// <param name="baseRate">
    /// The rate the schedule scales: the optimizer's learning rate when the trainer was made, lowered by any
    /// reduction on plateau since.
    /// </param>
    float LearningRateAt(long step, int epoch, float baseRate);

    /// <summary>
    /// The reduce-on-plateau part of this schedule, which the trainer drives with each epoch's validation loss; null
    /// when the schedule does not look at the validation loss.
    /// </summary>
    ReduceOnPlateau? Plateau { get; }
}
