namespace StaticSeq2Seq.Training;

/// <summary>What <see cref="Seq2SeqTrainer"/> does with a step whose loss or gradient is NaN or infinite (see <see cref="TrainingOptions.NonFiniteSteps"/>).</summary>
public enum NonFiniteStepHandling
{
    /// <summary>
    /// Stop training with a <see cref="TrainingDivergedException"/>: the step is not applied, and the parameters and the
    /// optimizer's state are as they were before it.
    /// </summary>
    Stop,

    /// <summary>
    /// Leave the step out and go on: the parameters and the optimizer's state are untouched, the step counts in
    /// <see cref="Seq2SeqTrainer.StepsCompleted"/> but not in the optimizer's step count, and its number is reported in
    /// <see cref="Seq2SeqTrainer.SkippedSteps"/>, <see cref="TrainingProgress.SkippedSteps"/> and
    /// <see cref="TrainingSummary.SkippedSteps"/>. For runs where a rare overflow should not end the run.
    /// </summary>
    Skip,
}
