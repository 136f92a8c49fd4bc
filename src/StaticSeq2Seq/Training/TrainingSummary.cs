using System;
using System.Collections.Generic;

namespace StaticSeq2Seq.Training;

/// <summary>What a <see cref="Seq2SeqTrainer.Train"/> run achieved.</summary>
/// <param name="Epochs">Epochs completed by this run: fewer than <see cref="TrainingOptions.Epochs"/> when it stopped early.</param>
/// <param name="Steps">Steps taken, skipped ones (<see cref="SkippedSteps"/>) included.</param>
/// <param name="TrainLoss">The last epoch's training loss, mean per pair.</param>
/// <param name="Validation">The last epoch's validation loss; null without a validation set.</param>
/// <param name="ValidationSequenceAccuracy">The last epoch's exact-sequence accuracy on the validation set; null when not measured.</param>
/// <param name="Elapsed">Wall-clock time of the run, validation included.</param>
/// <param name="PairsPerSecond">Training pairs processed per second of the run.</param>
public sealed record TrainingSummary(
    int Epochs,
    long Steps,
    double TrainLoss,
    LossSummary? Validation,
    double? ValidationSequenceAccuracy,
    TimeSpan Elapsed,
    double PairsPerSecond)
{
    /// <summary>Whether early stopping ended the run before its <see cref="TrainingOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>The epoch, counted from 1 over the trainer's life, after which early stopping ended the run; null when it did not.</summary>
    public int? StoppedAtEpoch { get; init; }

    /// <summary>The lowest validation loss (mean per pair) of any epoch over the trainer's life; null without validation.</summary>
    public double? BestValidationLoss { get; init; }

    /// <summary>The epoch, counted from 1 over the trainer's life, of <see cref="BestValidationLoss"/>; null without validation.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>
    /// Whether the run ended by putting back the parameters of <see cref="BestEpoch"/>
    /// (<see cref="EarlyStoppingOptions.RestoreBestParameters"/>); false when the last epoch was the best, or when the best
    /// epoch came before a checkpoint the trainer was resumed from, whose parameters the trainer no longer has.
    /// </summary>
    public bool RestoredBestParameters { get; init; }

    /// <summary>The learning rate of the run's last step.</summary>
    public float LearningRate { get; init; }

    /// <summary>
    /// The steps of this run, counted from 1 over the trainer's life, that were skipped because their loss or gradient was
    /// NaN or infinite (<see cref="NonFiniteStepHandling.Skip"/>); empty when none was. Its count is the number skipped.
    /// </summary>
    public IReadOnlyList<long> SkippedSteps { get; init; } = [];
}
