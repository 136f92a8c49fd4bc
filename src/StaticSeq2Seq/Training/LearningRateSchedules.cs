using System;

namespace StaticSeq2Seq.Training;

/// <summary>What a decay counts to decide when to lower the rate.</summary>
public enum ScheduleUnit
{
    /// <summary>Optimizer steps.</summary>
    Steps,

    /// <summary>Completed epochs: the rate changes at epoch boundaries.</summary>
    Epochs,
}

/// <summary>The base rate throughout, as if there were no schedule (the trainer still sets it before each step).</summary>
public sealed class ConstantLearningRate : ILearningRateSchedule
{
    /// <summary>The one instance; the schedule has no settings.</summary>
    public static ConstantLearningRate Instance { get; } = new();

    private ConstantLearningRate()
    {
    }

    /// <inheritdoc />
    public float LearningRateAt(long step, int epoch, float baseRate) => baseRate;

    /// <inheritdoc />
    public ReduceOnPlateau? Plateau => null;
}

/// <summary>
/// Multiplies the base rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps or epochs:
/// <c>baseRate · gamma^⌊t / stepSize⌋</c>, PyTorch's <c>StepLR</c>.
/// </summary>
public sealed class StepDecay : ILearningRateSchedule
{
    /// <summary>Sets up the decay.</summary>
    /// <param name="stepSize">Steps or epochs between two decays; at least 1.</param>
    /// <param name="gamma">The factor of each decay, in (0, 1]; 0.1 is usual.</param>
    /// <param name="unit">Whether <paramref name="stepSize"/> counts steps or epochs.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message gives the range.</exception>
    public StepDecay(int stepSize, float gamma = 0.1f, ScheduleUnit unit = ScheduleUnit.Epochs)
    {
        StepSize = stepSize >= 1
            ? stepSize
            : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "Decay every 1 or more steps or epochs.");
        Gamma = Schedule.CheckFactor(gamma, nameof(gamma));
        Unit = Schedule.CheckUnit(unit, nameof(unit));
    }

    /// <summary>Steps or epochs between two decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor of each decay.</summary>
    public float Gamma { get; }

    /// <summary>What <see cref="StepSize"/> counts.</summary>
    public ScheduleUnit Unit { get; }

    /// <inheritdoc />
    public float LearningRateAt(long step, int epoch, float baseRate) =>
        (float)(baseRate * Math.Pow(Gamma, Schedule.Count(step, epoch, Unit) / StepSize));

    /// <inheritdoc />
    public ReduceOnPlateau? Plateau => null;
}

/// <summary>Multiplies the base rate by <see cref="Gamma"/> every step or epoch: <c>baseRate · gamma^t</c>, PyTorch's <c>ExponentialLR</c>.</summary>
public sealed class ExponentialDecay : ILearningRateSchedule
{
    /// <summary>Sets up the decay.</summary>
    /// <param name="gamma">The factor per step or epoch, in (0, 1]; per step, values such as 0.9999 are usual.</param>
    /// <param name="unit">Whether the rate decays every step or every epoch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message gives the range.</exception>
    public ExponentialDecay(float gamma, ScheduleUnit unit = ScheduleUnit.Epochs)
    {
        Gamma = Schedule.CheckFactor(gamma, nameof(gamma));
        Unit = Schedule.CheckUnit(unit, nameof(unit));
    }

    /// <summary>The factor per step or epoch.</summary>
    public float Gamma { get; }

    /// <summary>Whether the rate decays every step or every epoch.</summary>
    public ScheduleUnit Unit { get; }

    /// <inheritdoc />
    public float LearningRateAt(long step, int epoch, float baseRate) =>
        (float)(baseRate * Math.Pow(Gamma, Schedule.Count(step, epoch, Unit)));

    /// <inheritdoc />
    public ReduceOnPlateau? Plateau => null;
}

/// <summary>
/// Raises the rate linearly over the first <see cref="WarmupSteps"/> steps, from <c>StartFactor · baseRate</c> towards
/// the base rate (PyTorch's <c>LinearLR</c> with <c>end_factor = 1</c>), then follows <see cref="Then"/> with steps
/// counted from the end of the warm-up (as PyTorch's <c>SequentialLR</c> does); epochs are passed on as they are.
/// </summary>
public sealed class LinearWarmup : ILearningRateSchedule
{
    /// <summary>Sets up the warm-up.</summary>
    /// <param name="warmupSteps">Steps the warm-up lasts; at least 1.</param>
    /// <param name="then">The schedule after the warm-up; null for the constant base rate.</param>
    /// <param name="startFactor">The fraction of the base rate the first step takes, in (0, 1]; PyTorch's default is 1/3.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message gives the range.</exception>
    public LinearWarmup(int warmupSteps, ILearningRateSchedule? then = null, float startFactor = 1f / 3f)
    {
        WarmupSteps = warmupSteps >= 1
            ? warmupSteps
            : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Warm up over 1 or more steps.");
        StartFactor = Schedule.CheckFactor(startFactor, nameof(startFactor));
        Then = then ?? ConstantLearningRate.Instance;
    }

    /// <summary>Steps the warm-up lasts.</summary>
    public int WarmupSteps { get; }

    /// <summary>The fraction of the base rate the first step takes.</summary>
    public float StartFactor { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public ILearningRateSchedule Then { get; }

    /// <inheritdoc />
    public float LearningRateAt(long step, int epoch, float baseRate) =>
        step < WarmupSteps
            ? (float)(baseRate * (StartFactor + (1.0 - StartFactor) * step / WarmupSteps))
            : Then.LearningRateAt(step - WarmupSteps, epoch, baseRate);

    /// <inheritdoc />
    public ReduceOnPlateau? Plateau => Then.Plateau;
}

/// <summary>How <see cref="ReduceOnPlateau"/> decides that a validation loss improves on the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>Better when below <c>best · (1 - threshold)</c>: PyTorch's <c>'rel'</c>, the default.</summary>
    Relative,

    /// <summary>Better when below <c>best - threshold</c>: PyTorch's <c>'abs'</c>.</summary>
    Absolute,
}

/// <summary>
/// Keeps the base rate until the validation loss stops improving, then multiplies it by <see cref="Factor"/>: PyTorch's
/// <c>ReduceLROnPlateau</c> in mode <c>'min'</c>. After each epoch a loss that improves on the best by the threshold
/// becomes the best; otherwise it counts as a bad epoch. When more than <see cref="Patience"/> bad epochs have
/// passed, the rate becomes <c>max(rate · factor, MinLearningRate)</c> (unless that changes it by 1e-8 or less), the
/// count restarts and for <see cref="Cooldown"/> epochs bad epochs are not counted. The trainer keeps this state;
/// training with this schedule needs a validation set.
/// </summary>
public sealed class ReduceOnPlateau : ILearningRateSchedule
{
    /// <summary>Sets up the reduction, with PyTorch's defaults.</summary>
    /// <param name="factor">The factor of each reduction, in (0, 1).</param>
    /// <param name="patience">Bad epochs tolerated before a reduction; 0 or more.</param>
    /// <param name="threshold">The least improvement that counts, 0 or more; relative or absolute as <paramref name="mode"/> says.</param>
    /// <param name="mode">How <paramref name="threshold"/> is applied.</param>
    /// <param name="cooldown">Epochs after a reduction in which bad epochs are not counted; 0 or more.</param>
    /// <param name="minLearningRate">The rate is never reduced below this; 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range; the message gives the range.</exception>
    public ReduceOnPlateau(
        float factor = 0.1f, int patience = 10, double threshold = 1e-4, ThresholdMode mode = ThresholdMode.Relative, int cooldown = 0, float minLearningRate = 0f)
    {
        Factor = factor is > 0f and < 1f
            ? factor
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, "The reduction factor must lie strictly between 0 and 1, such as 0.1 or 0.5.");
        Patience = patience >= 0
            ? patience
            : throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience is a number of epochs: 0 or more.");
        Threshold = double.IsFinite(threshold) && threshold >= 0
            ? threshold
            : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Give a finite threshold of 0 or more; PyTorch's default is 1e-4.");
        Mode = mode is ThresholdMode.Relative or ThresholdMode.Absolute
            ? mode
            : throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use ThresholdMode.Relative or ThresholdMode.Absolute.");
        Cooldown = cooldown >= 0
            ? cooldown
            : throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "Cooldown is a number of epochs: 0 or more.");
        MinLearningRate = float.IsFinite(minLearningRate) && minLearningRate >= 0f
            ? minLearningRate
            : throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "Give a finite minimum learning rate of 0 or more.");
    }

    /// <summary>The factor of each reduction.</summary>
    public float Factor { get; }

    /// <summary>Bad epochs tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The least improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>How <see cref="Threshold"/> is applied.</summary>
    public ThresholdMode Mode { get; }

    /// <summary>Epochs after a reduction in which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The rate is never reduced below this.</summary>
    public float MinLearningRate { get; }

    /// <summary>Returns <paramref name="baseRate"/>, which the trainer has already reduced on plateaus.</summary>
    /// <param name="step">Not used.</param>
    /// <param name="epoch">Not used.</param>
    /// <param name="baseRate">The base rate after the reductions so far.</param>
    public float LearningRateAt(long step, int epoch, float baseRate) => baseRate;

    /// <inheritdoc />
    public ReduceOnPlateau? Plateau => this;

    /// <summary>Whether <paramref name="loss"/> improves on <paramref name="best"/> by the threshold.</summary>
    public bool IsImprovement(double loss, double best) =>
        Mode == ThresholdMode.Relative ? loss < best * (1.0 - Threshold) : loss < best - Threshold;

    /// <summary>
    /// Takes one epoch's validation loss into <paramref name="state"/> and returns the base rate for the next epoch:
    /// <paramref name="rate"/>, or the reduced rate after a plateau.
    /// </summary>
    public float Update(ref PlateauState state, double loss, float rate)
    {
        if (IsImprovement(loss, state.BestLoss))
        {
            state = state with { BestLoss = loss, BadEpochs = 0 };
        }
        else
        {
            state = state with { BadEpochs = state.BadEpochs + 1 };
        }
        if (state.CooldownLeft > 0)
        {
            state = state with { CooldownLeft = state.CooldownLeft - 1, BadEpochs = 0 };
        }
        if (state.BadEpochs > Patience)
        {
            var reduced = Math.Max((double)rate * Factor, MinLearningRate);
            if (rate - reduced > 1e-8)
            {
                rate = (float)reduced;
            }
            state = state with { CooldownLeft = Cooldown, BadEpochs = 0 };
        }
        return rate;
    }
}

/// <summary>What <see cref="ReduceOnPlateau"/> remembers between epochs; the trainer keeps it and a checkpoint saves it.</summary>
/// <param name="BestLoss">The best validation loss so far; positive infinity before the first.</param>
/// <param name="BadEpochs">Epochs since the best without enough improvement, as counted towards the patience.</param>
/// <param name="CooldownLeft">Epochs of cooldown left after the last reduction.</param>
public readonly record struct PlateauState(double BestLoss, int BadEpochs, int CooldownLeft)
{
    /// <summary>The state before the first epoch.</summary>
    public static PlateauState Initial => new(double.PositiveInfinity, 0, 0);
}

internal static class Schedule
{
    public static long Count(long step, int epoch, ScheduleUnit unit) => unit == ScheduleUnit.Steps ? step : epoch;

    public static float CheckFactor(float factor, string name) =>
        factor is > 0f and <= 1f
            ? factor
            : throw new ArgumentOutOfRangeException(name, factor, "The factor must lie in (0, 1], such as 0.1 or 0.95.");

    public static ScheduleUnit CheckUnit(ScheduleUnit unit, string name) =>
        unit is ScheduleUnit.Steps or ScheduleUnit.Epochs
            ? unit
            : throw new ArgumentOutOfRangeException(name, unit, "Use ScheduleUnit.Steps or ScheduleUnit.Epochs.");
}
