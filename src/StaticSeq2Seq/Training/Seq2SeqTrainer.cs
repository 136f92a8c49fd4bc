using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Parameters;

namespace StaticSeq2Seq.Training;

/// <summary>
/// Trains an <see cref="ISeq2SeqModel"/> with mini-batches: for each batch it sums the per-pair gradients scaled
/// to the batch mean, clips them, and lets the optimizer step. It owns the gradient buffer, workspace and
/// optimizer, so once warm a <see cref="TrainStep(ReadOnlySpan{SequencePair})"/> allocates nothing.
/// </summary>
/// <remarks>
/// A trainer is used from one thread at a time; with <see cref="TrainingOptions.Threads"/> above 1 it computes each
/// batch's gradients on that many threads, with the same result bit for bit as on one (see
/// <see cref="TrainingOptions.Threads"/>); <see cref="Dispose"/> stops its worker threads. For a seed, the run is
/// deterministic. Each epoch visits the training pairs in
/// an order that depends only on <see cref="TrainingOptions.Seed"/> and the epoch's number, counted over the
/// trainer's life, so a second <see cref="Train"/> call continues with new orders. A <see cref="Train"/> call that
/// stops within an epoch (cancelled, or diverged) leaves <see cref="EpochPairsCompleted"/> behind, and the next call
/// over a training set of the same size finishes that epoch first, so no pair is visited twice in one epoch. The
/// counters and the optimizer's state are what <see cref="Checkpoints.Checkpoint"/> saves to resume a run exactly.
/// </remarks>
public sealed class Seq2SeqTrainer : IDisposable
{
    private readonly AlignedBuffer gradients;
    private readonly BatchGradients batchGradients;
    private readonly ILearningRateSchedule? schedule;
    private readonly ReduceOnPlateau? plateau;
    // A copy of the parameters of the best validation epoch; allocated once, when early stopping restores them.
    private readonly AlignedBuffer? bestParameters;
    private bool bestParametersHeld;
    private double bestValidationLoss = double.PositiveInfinity;
    private int[] order = [];
    private readonly List<long> skippedSteps = [];

    // The training-set size the unfinished epoch was shuffled for; 0 between epochs.
    private int unfinishedEpochSize;

    /// <summary>Sets up training of <paramref name="model"/>, whose parameters are taken as they are.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The optimizer factory returned null or an optimizer for another parameter count.</exception>
    public Seq2SeqTrainer(ISeq2SeqModel model, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new TrainingOptions();
        var parameterCount = model.Layout.ParameterCount;
        gradients = new AlignedBuffer(parameterCount);
        Workspace = model.CreateWorkspace();
        batchGradients = new BatchGradients(model, Workspace, Options.Threads);
        Optimizer = Options.CreateOptimizer(parameterCount)
            ?? throw new InvalidOperationException("TrainingOptions.CreateOptimizer returned null; return an optimizer, such as new Adam(count).");
        if (Optimizer.ParameterCount != parameterCount)
        {
            throw new InvalidOperationException(
                $"TrainingOptions.CreateOptimizer made an optimizer for {Optimizer.ParameterCount} parameters but the model has {parameterCount}; " +
                "create it with the count the factory is given.");
        }
        schedule = Options.LearningRateSchedule;
        plateau = schedule?.Plateau;
        BaseLearningRate = Optimizer.LearningRate;
        if (Options.EarlyStopping is { RestoreBestParameters: true })
        {
            bestParameters = new AlignedBuffer(parameterCount);
        }
    }

    /// <summary>
    /// The rate <see cref="TrainingOptions.LearningRateSchedule"/> scales: the optimizer's learning rate when the trainer
    /// was made, lowered by each <see cref="ReduceOnPlateau"/> reduction since. Unused without a schedule.
    /// </summary>
    public float BaseLearningRate { get; private set; }

    /// <summary>What the schedule's <see cref="ReduceOnPlateau"/> part remembers; <see cref="PlateauState.Initial"/> without one.</summary>
    public PlateauState PlateauState { get; private set; } = PlateauState.Initial;

    /// <summary>The lowest validation loss (mean per pair) of any epoch so far; null before the first validation.</summary>
    public double? BestValidationLoss => BestEpoch == 0 ? null : bestValidationLoss;

    /// <summary>The epoch, counted from 1 over the trainer's life, whose validation loss was the best so far; 0 before the first validation.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Validated epochs in a row since the validation loss last improved by <see cref="EarlyStoppingOptions.MinDelta"/>.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>The model being trained.</summary>
    public ISeq2SeqModel Model { get; }

    /// <summary>The options this trainer was made with.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// The optimizer. With a <see cref="TrainingOptions.LearningRateSchedule"/> the trainer sets its
    /// <see cref="IOptimizer.LearningRate"/> before every step; without one, the rate can be changed between steps by hand.
    /// </summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The workspace the trainer's forward and backward passes use.</summary>
    public Seq2SeqWorkspace Workspace { get; }

    /// <summary>The last step's gradient of the mean loss, after clipping (a skipped step's as summed), in the model's parameter layout.</summary>
    public ReadOnlySpan<float> Gradients => gradients.Span;

    /// <summary>The last step's global gradient norm, before clipping.</summary>
    public float LastGradientNorm { get; private set; }

    /// <summary>
    /// Steps this trainer has taken, counting those skipped for a non-finite loss or gradient
    /// (<see cref="NonFiniteStepHandling.Skip"/>); the optimizer's <see cref="IOptimizer.StepCount"/> counts only applied ones.
    /// </summary>
    public long StepsCompleted { get; private set; }

    /// <summary>
    /// The steps, counted from 1 over the trainer's life, skipped because their loss or gradient was NaN or infinite
    /// (<see cref="NonFiniteStepHandling.Skip"/>), in order.
    /// </summary>
    public IReadOnlyList<long> SkippedSteps => skippedSteps;

    /// <summary>Whether the last step was skipped for a non-finite loss or gradient rather than applied.</summary>
    public bool LastStepSkipped { get; private set; }

    /// <summary>Epochs this trainer has completed, over all <see cref="Train"/> calls.</summary>
    public int EpochsCompleted { get; private set; }

    /// <summary>
    /// Pairs of the current epoch trained on so far: 0 between epochs, more when a <see cref="Train"/> call stopped
    /// within an epoch or a progress report is being handled. The next <see cref="Train"/> call finishes that epoch first.
    /// </summary>
    public int EpochPairsCompleted { get; private set; }

    /// <summary>The training-set size the unfinished epoch was shuffled for; 0 between epochs.</summary>
    internal int UnfinishedEpochSize => EpochPairsCompleted == 0 ? 0 : unfinishedEpochSize;

    /// <summary>Sets the counters a checkpoint saved; the caller has checked them.</summary>
    internal void RestoreProgress(long stepsCompleted, int epochsCompleted, int epochPairsCompleted, int epochSize)
    {
        StepsCompleted = stepsCompleted;
        EpochsCompleted = epochsCompleted;
        EpochPairsCompleted = epochPairsCompleted;
        unfinishedEpochSize = epochPairsCompleted == 0 ? 0 : epochSize;
    }

    /// <summary>
    /// Sets the schedule and early-stopping state a checkpoint saved, after the parameters and counters; the best
    /// parameters are known again only when they are the current ones.
    /// </summary>
    internal void RestoreScheduleState(float baseLearningRate, PlateauState plateauState, double? bestLoss, int bestEpoch, int epochsWithoutImprovement)
    {
        BaseLearningRate = baseLearningRate;
        PlateauState = plateauState;
        bestValidationLoss = bestLoss ?? double.PositiveInfinity;
        BestEpoch = bestLoss is null ? 0 : bestEpoch;
        EpochsWithoutImprovement = epochsWithoutImprovement;
        bestParametersHeld = bestParameters is not null && BestEpoch != 0 && BestEpoch == EpochsCompleted && EpochPairsCompleted == 0;
        if (bestParametersHeld)
        {
            Model.Parameters.CopyTo(bestParameters!.Span);
        }
    }

    /// <summary>
    /// Takes one optimizer step on <paramref name="batch"/> and returns its loss, mean per pair: not finite when the step
    /// was skipped (<see cref="LastStepSkipped"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty or holds a null pair, or the model rejects a pair.</exception>
    /// <exception cref="TrainingDivergedException">
    /// The loss or gradient is not finite and <see cref="TrainingOptions.NonFiniteSteps"/> is <see cref="NonFiniteStepHandling.Stop"/>; the step was not applied.
    /// </exception>
    public float TrainStep(ReadOnlySpan<SequencePair> batch)
    {
        CheckBatchSize(batch.Length, nameof(batch));
        batch.CopyTo(batchGradients.Pairs(batch.Length));
        var totalLoss = batchGradients.Accumulate(gradients, 1f / batch.Length, Options.Seed, StepsCompleted, Options.PassSettings);
        return FinishStep(totalLoss, batch.Length);
    }

    /// <summary>
    /// Takes one optimizer step on the pairs of <paramref name="pairs"/> at <paramref name="batchIndices"/> and returns their
    /// loss, mean per pair: not finite when the step was skipped (<see cref="LastStepSkipped"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty or names a null pair, or the model rejects a pair.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="pairs"/>.</exception>
    /// <exception cref="TrainingDivergedException">
    /// The loss or gradient is not finite and <see cref="TrainingOptions.NonFiniteSteps"/> is <see cref="NonFiniteStepHandling.Stop"/>; the step was not applied.
    /// </exception>
    public float TrainStep(IReadOnlyList<SequencePair> pairs, ReadOnlySpan<int> batchIndices)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        CheckBatchSize(batchIndices.Length, nameof(batchIndices));
        var batch = batchGradients.Pairs(batchIndices.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = pairs[batchIndices[i]];
        }
        var totalLoss = batchGradients.Accumulate(gradients, 1f / batchIndices.Length, Options.Seed, StepsCompleted, Options.PassSettings);
        return FinishStep(totalLoss, batchIndices.Length);
    }

    /// <summary>
    /// Trains for <see cref="TrainingOptions.Epochs"/> epochs over <paramref name="train"/> in shuffled mini-batches,
    /// measuring <paramref name="validation"/> after each epoch.
    /// </summary>
    /// <param name="train">The training pairs; every pair is checked against the model's shape before the first step.</param>
    /// <param name="validation">Pairs to measure after each epoch; null or empty to skip validation.</param>
    /// <param name="progress">Receives a report at most every <see cref="TrainingOptions.ProgressInterval"/> and at each epoch's end, on the training thread.</param>
    /// <param name="cancellationToken">Stops the run between two steps; the parameters keep every completed step.</param>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The training set is empty, or a pair does not fit the model (the message names the pair), or early stopping or a
    /// reduce-on-plateau schedule is on without a validation set.
    /// </exception>
    /// <exception cref="TrainingDivergedException">
    /// A step's loss or gradient is not finite and <see cref="TrainingOptions.NonFiniteSteps"/> is <see cref="NonFiniteStepHandling.Stop"/>; that step was not applied.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingSummary Train(
        IReadOnlyList<SequencePair> train,
        IReadOnlyList<SequencePair>? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        PairSetCheck.Check(Model.Shape, train, "training", nameof(train));
        if (train.Count == 0)
        {
            throw new ArgumentException("The training set is empty; give at least one pair.", nameof(train));
        }
        var validationSet = validation is { Count: > 0 } ? validation : null;
        if (validationSet is not null)
        {
            PairSetCheck.Check(Model.Shape, validationSet, "validation", nameof(validation));
        }
        else if (Options.EarlyStopping is not null || plateau is not null)
        {
            throw new ArgumentException(
                (Options.EarlyStopping is not null ? "Early stopping" : "A reduce-on-plateau learning-rate schedule") +
                " watches the validation loss, but no validation pairs were given; pass a validation set, or turn it off in TrainingOptions.",
                nameof(validation));
        }

        // A call that stopped within an epoch left its place, which means nothing over a training set of another size.
        if (EpochPairsCompleted > 0 && unfinishedEpochSize != train.Count)
        {
            EpochPairsCompleted = 0;
        }
        var epochs = Options.Epochs;
        var batchSize = Options.BatchSize;
        var stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
        var firstEpochSteps = (train.Count - EpochPairsCompleted + batchSize - 1) / batchSize;
        var pace = new TrainingPace(firstEpochSteps + (long)(epochs - 1) * stepsPerEpoch, Options.ProgressInterval);
        if (order.Length != train.Count)
        {
            order = new int[train.Count];
        }

        var epochLoss = 0.0;
        var skipped = new SkippedStepsOfRun(skippedSteps);
        LossSummary? validationLoss = null;
        double? accuracy = null;
        var epochsRun = 0;
        var stoppedEarly = false;
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            ShuffleOrder(EpochsCompleted + 1);
            unfinishedEpochSize = order.Length;
            // 0, or where an earlier call stopped within this epoch; the epoch's loss covers the pairs from here.
            var first = EpochPairsCompleted;
            var epochLossSum = 0.0;
            var epochLossPairs = 0;
            var batchLoss = 0f;
            for (var start = first; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
                batchLoss = TrainStep(train, batch);
                EpochPairsCompleted = start + batch.Length;
                // A skipped step's loss is not finite; the epoch's loss is over the steps applied.
                if (!LastStepSkipped)
                {
                    epochLossSum += (double)batchLoss * batch.Length;
                    epochLossPairs += batch.Length;
                    epochLoss = epochLossSum / epochLossPairs;
                }
                pace.CountStep(batch.Length);
                // The last step of an epoch is reported with the epoch's validation instead.
                if (progress is not null && start + batch.Length < order.Length && pace.ReportDue())
                {
                    progress.Report(Snapshot(pace, epoch, epochs, batchLoss, epochLoss, isEpochEnd: false, null, null, skipped.Current));
                }
            }

            if (validationSet is not null)
            {
                validationLoss = Evaluation.ValidationLoss(Model, Workspace, validationSet);
                accuracy = Options.MeasureSequenceAccuracy ? Evaluation.ExactSequenceAccuracy(Model, Workspace, validationSet) : null;
            }
            EpochsCompleted++;
            EpochPairsCompleted = 0;
            epochsRun = epoch;
            if (validationLoss is { } measured)
            {
                stoppedEarly = AfterValidation(measured.MeanPerPair);
            }
            progress?.Report(Snapshot(pace, epoch, epochs, batchLoss, epochLoss, isEpochEnd: true, validationLoss, accuracy, skipped.Current));
            if (stoppedEarly)
            {
                break;
            }
        }

        var restored = false;
        if (bestParametersHeld && BestEpoch != EpochsCompleted)
        {
            bestParameters!.Span.CopyTo(Model.Parameters);
            restored = true;
        }
        return new TrainingSummary(epochsRun, pace.Steps, epochLoss, validationLoss, accuracy, pace.Elapsed, pace.PairsPerSecond)
        {
            StoppedEarly = stoppedEarly,
            StoppedAtEpoch = stoppedEarly ? EpochsCompleted : null,
            BestValidationLoss = BestValidationLoss,
            BestEpoch = BestEpoch == 0 ? null : BestEpoch,
            RestoredBestParameters = restored,
            LearningRate = Optimizer.LearningRate,
            SkippedSteps = skipped.Current,
        };
    }

    // Takes an epoch's validation loss into the plateau and early-stopping state; true when training should stop.
    private bool AfterValidation(double loss)
    {
        if (plateau is not null)
        {
            var state = PlateauState;
            BaseLearningRate = plateau.Update(ref state, loss, BaseLearningRate);
            PlateauState = state;
        }
        var early = Options.EarlyStopping;
        if (loss < bestValidationLoss - (early?.MinDelta ?? 0.0))
        {
            bestValidationLoss = loss;
            BestEpoch = EpochsCompleted;
            EpochsWithoutImprovement = 0;
            if (bestParameters is not null)
            {
                Model.Parameters.CopyTo(bestParameters.Span);
                bestParametersHeld = true;
            }
            return false;
        }
        EpochsWithoutImprovement++;
        return early is not null && EpochsWithoutImprovement >= early.Patience;
    }

    private TrainingProgress Snapshot(
        TrainingPace pace, int epoch, int epochs, float batchLoss, double epochLoss, bool isEpochEnd, LossSummary? validation, double? accuracy,
        IReadOnlyList<long> skipped) =>
        new(epoch, epochs, pace.Steps, pace.TotalSteps, batchLoss, epochLoss, LastGradientNorm, pace.PairsPerSecond,
            pace.Elapsed, pace.EstimatedTimeLeft, isEpochEnd, validation, accuracy)
        {
            LearningRate = Optimizer.LearningRate,
            SkippedSteps = skipped,
        };

    private float FinishStep(double totalLoss, int pairCount)
    {
        var meanLoss = totalLoss / pairCount;
        var norm = batchGradients.GradientNorm;
        LastGradientNorm = norm;
        LastStepSkipped = !double.IsFinite(meanLoss) || !float.IsFinite(norm);
        if (LastStepSkipped)
        {
            if (Options.NonFiniteSteps == NonFiniteStepHandling.Stop)
            {
                LastStepSkipped = false;
                throw new TrainingDivergedException(StepsCompleted + 1, meanLoss, norm);
            }
            StepsCompleted++;
            skippedSteps.Add(StepsCompleted);
            return (float)meanLoss;
        }
        if (schedule is not null)
        {
            Optimizer.LearningRate = schedule.LearningRateAt(StepsCompleted, EpochsCompleted, BaseLearningRate);
        }
        var clipNorm = Options.ClipNorm;
        var clipScale = clipNorm > 0f ? GradientClipping.Scale(norm, clipNorm) : 1f;
        batchGradients.Step(Optimizer, gradients, Math.Min(clipScale, 1f));
        StepsCompleted++;
        return (float)meanLoss;
    }

    // The order of an epoch depends only on the seed and the epoch's number, so a resumed run can reproduce it.
    private void ShuffleOrder(int epochNumber)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        // Not a multiple of SplitMix64's increment, so the generator states of consecutive epochs do not overlap.
        const ulong EpochSpread = 0xD1B54A32D192ED03UL;
        var random = new SeededRandom(Options.Seed ^ ((ulong)epochNumber * EpochSpread));
        random.Shuffle(order.AsSpan());
    }

    private static void CheckBatchSize(int batchSize, string parameterName)
    {
        if (batchSize == 0)
        {
            throw new ArgumentException("The batch is empty; a step needs at least one pair.", parameterName);
        }
    }

    /// <summary>
    /// Stops the worker threads of <see cref="TrainingOptions.Threads"/> above 1. The trainer can still train afterwards,
    /// on the calling thread alone, with the same results.
    /// </summary>
    public void Dispose() => batchGradients.Dispose();
}
