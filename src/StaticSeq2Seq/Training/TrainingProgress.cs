using System;
using System.Collections.Generic;

namespace StaticSeq2Seq.Training;

/// <summary>A snapshot of a <see cref="Seq2SeqTrainer.Train"/> run, reported a few times a second and at every epoch's end.</summary>
/// <param name="Epoch">The epoch under way, from 1.</param>
/// <param name="Epochs">The epochs this run makes.</param>
/// <param name="Step">Optimizer steps taken so far in this run.</param>
/// <param name="TotalSteps">Optimizer steps this run takes in all.</param>
/// <param name="BatchLoss">The last step's loss, mean per pair.</param>
/// <param name="EpochLoss">The loss of this epoch's steps so far, mean per pair.</param>
/// <param name="GradientNorm">The last step's global gradient norm, before clipping.</param>
/// <param name="PairsPerSecond">Training pairs processed per second of this run so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="EstimatedTimeLeft">Time the remaining steps should take at the pace so far.</param>
/// <param name="IsEpochEnd">True for the report that closes an epoch, which carries the validation results.</param>
/// <param name="Validation">This epoch's validation loss; null within an epoch or without a validation set.</param>
/// <param name="ValidationSequenceAccuracy">
/// The fraction of validation pairs greedy decoding gets exactly right; null within an epoch, without a
/// validation set, or when <see cref="TrainingOptions.MeasureSequenceAccuracy"/> is off.
/// </param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    long Step,
    long TotalSteps,
    double BatchLoss,
    double EpochLoss,
    double GradientNorm,
    double PairsPerSecond,
    TimeSpan Elapsed,
    TimeSpan EstimatedTimeLeft,
    bool IsEpochEnd,
    LossSummary? Validation,
    double? ValidationSequenceAccuracy)
{
    /// <summary>The learning rate of the last step (the one the schedule set, if there is one).</summary>
    public float LearningRate { get; init; }

    /// <summary>
    /// The steps of this run so far, counted from 1 over the trainer's life, skipped because their loss or gradient was
    /// NaN or infinite (<see cref="NonFiniteStepHandling.Skip"/>); empty when none was.
    /// </summary>
    public IReadOnlyList<long> SkippedSteps { get; init; } = [];
}
