using System;

namespace StaticSeq2Seq.Training;

/// <summary>What a <see cref="Seq2SeqTrainer.Train"/> run achieved.</summary>
/// <param name="Epochs">Epochs completed.</param>
/// <param name="Steps">Optimizer steps taken.</param>
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
    double PairsPerSecond);
