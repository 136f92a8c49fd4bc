using System;
using StaticSeq2Seq.Optimization;

namespace StaticSeq2Seq.Training;

/// <summary>How <see cref="Seq2SeqTrainer"/> trains: epochs, batch size, seed, clipping, optimizer and reporting.</summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// Passes over the training set that one <see cref="Seq2SeqTrainer.Train"/> call makes; the rest of an epoch an earlier
    /// call left unfinished (see <see cref="Seq2SeqTrainer.EpochPairsCompleted"/>) counts as one. Default 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Epochs
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Train for at least one epoch.");
    } = 10;

    /// <summary>Pairs per optimizer step; the loss of a step is the mean over its pairs. Default 32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int BatchSize
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "A batch needs at least one pair; 16 to 64 is usual.");
    } = 32;

    /// <summary>
    /// Threads that compute each batch's gradients, the calling thread among them; each has its own workspace and, for
    /// each chunk of 4 pairs of the batch, its own gradient buffer. The batch is cut into the same chunks whatever the
    /// thread count and their gradients are added in chunk order, so 1, 2 or 8 threads give bit-identical parameters; more
    /// threads than chunks (batch size / 4) gain nothing. Dispose the trainer to stop them. Default 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int Threads
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Train on at least one thread; Environment.ProcessorCount is the most that helps.");
    } = 1;

    /// <summary>Seeds the order in which each epoch visits the training pairs; the same seed gives the same run. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The largest global gradient norm a step may take (see <see cref="GradientClipping.ClipGlobalNorm"/>);
    /// 0 or less turns clipping off. Default 1, which keeps recurrent networks' occasional gradient spikes in check.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or positive infinity.</exception>
    public float ClipNorm
    {
        get;
        init => field = !float.IsNaN(value) && !float.IsPositiveInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ClipNorm), value, "Give a finite maximum norm, such as 1 or 5, or 0 to turn clipping off.");
    } = 1f;

    /// <summary>
    /// Makes the optimizer, given the model's parameter count. Default: <see cref="Adam"/> with PyTorch's
    /// defaults (learning rate 1e-3).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public Func<int, IOptimizer> CreateOptimizer
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(CreateOptimizer), "Give a function that makes an optimizer for a parameter count, such as count => new Adam(count).");
    } = static parameterCount => new Adam(parameterCount);

    /// <summary>The shortest time between two progress reports within an epoch; the end of every epoch is always reported. Default 250 ms.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ProgressInterval
    {
        get;
        init => field = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ProgressInterval), value, "The progress interval cannot be negative; use TimeSpan.Zero to report every step.");
    } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether each epoch's validation also decodes every validation source greedily and reports the fraction
    /// decoded exactly right. Default true.
    /// </summary>
    public bool MeasureSequenceAccuracy { get; init; } = true;

    /// <summary>
    /// The learning rate of each step, which the trainer sets on <see cref="Seq2SeqTrainer.Optimizer"/> before every
    /// step from the optimizer's learning rate when the trainer was made (see <see cref="ILearningRateSchedule"/>).
    /// Default null: a constant rate that the trainer leaves alone, so the optimizer's rate can still be set by hand.
    /// </summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>Stops training when the validation loss stops improving; null (the default) trains every epoch.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>
    /// The probability that a training pair's decoder reads the target (teacher forcing) rather than its own argmax of the
    /// previous step, decided per pair as in the PyTorch translation tutorial (see <see cref="TrainingPass"/>). The draw
    /// comes from a seed derived from <see cref="Seed"/>, the step and the pair's place in its batch, so a run is the same
    /// on any thread. Evaluation and decoding are unaffected. Default 1: always teacher-forced.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1].</exception>
    public float TeacherForcingRatio
    {
        get;
        init => field = value is >= 0f and <= 1f
            ? value
            : throw new ArgumentOutOfRangeException(nameof(TeacherForcingRatio), value, "The teacher-forcing ratio is a probability: give a value from 0 (always free running) to 1 (always teacher-forced); 0.5 is the PyTorch tutorial's.");
    } = 1f;

    /// <summary>
    /// The probability that each element of the encoder's and the decoder's embedded input tokens is zeroed in training
    /// (inverted dropout: kept elements are scaled by 1 / (1 - rate)), as the PyTorch translation tutorial's
    /// <c>dropout(embedding(input))</c>. The masks are hashes of a seed derived from <see cref="Seed"/>, the step and the
    /// pair's place in its batch (see <see cref="TrainingPass"/>), so a run is the same on any thread and resumes exactly.
    /// Evaluation, the validation loss and decoding never drop anything. Default 0: no dropout, bit for bit the run
    /// without it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1).</exception>
    public float EmbeddingDropout
    {
        get;
        init => field = TrainingPass.CheckDropoutRate(value, nameof(EmbeddingDropout));
    }

    /// <summary>
    /// The probability that each element of a recurrent layer's output is zeroed where the layer above reads it, in the
    /// encoder and the decoder, as <c>torch.nn.GRU(dropout=p)</c> (the top layer's output and the recurrent states are
    /// never dropped, so it matters only with 2 or more layers). Inverted dropout drawn as for <see cref="EmbeddingDropout"/>.
    /// Default 0: none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in [0, 1).</exception>
    public float InterLayerDropout
    {
        get;
        init => field = TrainingPass.CheckDropoutRate(value, nameof(InterLayerDropout));
    }

    /// <summary>The random choices every training pair's pass makes, before its seed is set.</summary>
    internal TrainingPass PassSettings => new(0, TeacherForcingRatio, EmbeddingDropout, InterLayerDropout);

    /// <summary>
    /// What a step whose loss or gradient is NaN or infinite does: stop training with a <see cref="TrainingDivergedException"/>
    /// (<see cref="NonFiniteStepHandling.Stop"/>, the default) or be skipped and reported (<see cref="NonFiniteStepHandling.Skip"/>).
    /// Either way the step is not applied.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="NonFiniteStepHandling"/>.</exception>
    public NonFiniteStepHandling NonFiniteSteps
    {
        get;
        init => field = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(NonFiniteSteps), value, "Choose NonFiniteStepHandling.Stop or NonFiniteStepHandling.Skip.");
    }
}
