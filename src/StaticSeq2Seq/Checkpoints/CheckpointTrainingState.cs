using System.Collections.Generic;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// The state a <see cref="Seq2SeqTrainer"/> and its optimizer need to continue a run exactly as if it had not
/// stopped. The order each epoch visits the pairs in is derived from <see cref="Seed"/> and the epoch's number, so
/// the seed and the counters are the whole of the shuffling state.
/// </summary>
public sealed class CheckpointTrainingState
{
    internal CheckpointTrainingState(
        string optimizerKind,
        float learningRate,
        long optimizerStepCount,
        IReadOnlyList<KeyValuePair<string, double>> optimizerSettings,
        ulong seed,
        int batchSize,
        float clipNorm,
        long stepsCompleted,
        int epochsCompleted,
        int epochPairsCompleted,
        int epochSize)
    {
        OptimizerKind = optimizerKind;
        LearningRate = learningRate;
        OptimizerStepCount = optimizerStepCount;
        OptimizerSettings = optimizerSettings;
        Seed = seed;
        BatchSize = batchSize;
        ClipNorm = clipNorm;
        StepsCompleted = stepsCompleted;
        EpochsCompleted = epochsCompleted;
        EpochPairsCompleted = epochPairsCompleted;
        EpochSize = epochSize;
    }

    /// <summary>
    /// The optimizer, by its PyTorch class name: <c>Adam</c> (<see cref="Adam"/>), <c>AdamW</c> (<see cref="AdamW"/>,
    /// or <see cref="Adam"/> with decoupled weight decay) or <c>SGD</c> (<see cref="SgdMomentum"/>).
    /// </summary>
    public string OptimizerKind { get; }

    /// <summary>The optimizer's learning rate when saved; a load restores it, so a schedule continues from it.</summary>
    public float LearningRate { get; }

    /// <summary>The optimizer's <see cref="IOptimizer.StepCount"/>, which Adam's bias corrections depend on.</summary>
    public long OptimizerStepCount { get; }

    /// <summary>
    /// The optimizer's other hyperparameters, by PyTorch's names: <c>beta1</c>, <c>beta2</c>, <c>eps</c> and
    /// <c>weight_decay</c> for Adam and AdamW; <c>momentum</c> and <c>weight_decay</c> for SGD.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> OptimizerSettings { get; }

    /// <summary>The trainer's <see cref="TrainingOptions.Seed"/>.</summary>
    public ulong Seed { get; }

    /// <summary>The trainer's <see cref="TrainingOptions.BatchSize"/>.</summary>
    public int BatchSize { get; }

    /// <summary>The trainer's <see cref="TrainingOptions.ClipNorm"/>.</summary>
    public float ClipNorm { get; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.StepsCompleted"/>.</summary>
    public long StepsCompleted { get; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.EpochsCompleted"/>.</summary>
    public int EpochsCompleted { get; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.EpochPairsCompleted"/>: how far into an unfinished epoch it was saved.</summary>
    public int EpochPairsCompleted { get; }

    /// <summary>The size of the training set the unfinished epoch was shuffled for; 0 between epochs.</summary>
    public int EpochSize { get; }

    /// <summary>
    /// The trainer's <see cref="Seq2SeqTrainer.BaseLearningRate"/>, which its learning-rate schedule scales; the optimizer's
    /// <see cref="LearningRate"/> in checkpoints written before schedules were saved.
    /// </summary>
    public float BaseLearningRate { get; internal init; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.PlateauState"/>: where a reduce-on-plateau schedule stands.</summary>
    public PlateauState Plateau { get; internal init; } = PlateauState.Initial;

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.BestValidationLoss"/>; null before any validation.</summary>
    public double? BestValidationLoss { get; internal init; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.BestEpoch"/>; 0 before any validation.</summary>
    public int BestEpoch { get; internal init; }

    /// <summary>The trainer's <see cref="Seq2SeqTrainer.EpochsWithoutImprovement"/>, which early stopping counts towards its patience.</summary>
    public int EpochsWithoutImprovement { get; internal init; }

    /// <summary>
    /// The trainer's <see cref="TrainingOptions.TeacherForcingRatio"/>, <see cref="TrainingOptions.EmbeddingDropout"/>
    /// and <see cref="TrainingOptions.InterLayerDropout"/>: what each pair's pass draws. Null in checkpoints written
    /// before they were saved, which a resuming trainer is then not checked against.
    /// </summary>
    public PassSettings? Pass { get; internal init; }
}

/// <summary>The per-pair settings a training run draws its passes with, as a checkpoint records them.</summary>
/// <param name="TeacherForcingRatio">The probability that a pair's pass is teacher-forced, from 0 to 1.</param>
/// <param name="EmbeddingDropout">The dropout rate on the embedded inputs, from 0 up to 1 (excluded).</param>
/// <param name="InterLayerDropout">The dropout rate between recurrent layers, from 0 up to 1 (excluded).</param>
public sealed record PassSettings(float TeacherForcingRatio, float EmbeddingDropout, float InterLayerDropout);
