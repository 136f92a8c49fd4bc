using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Training;

namespace Translate;

/// <summary>How <see cref="Translator"/> is trained: the options every command that trains uses.</summary>
internal static class TranslatorTraining
{
    public const int DefaultEpochs = 10;
    public const ulong DefaultSeed = 7;
    public const ulong DefaultInitializationSeed = 1;
    public const int DefaultBatchSize = 32;
    public const float DefaultLearningRate = 2e-3f;
    public const float ClipNorm = 5f;
    public const float DefaultEmbeddingDropout = 0f;

    /// <summary>
    /// The options of a run of <paramref name="epochs"/> epochs (for a resumed run, the epochs left); the seed, batch size,
    /// and learning rate are the ones a checkpoint records and a resumed run must repeat, the embedding dropout one the
    /// run's settings record.
    /// </summary>
    public static TrainingOptions Options(int epochs, ulong seed, int batchSize, float learningRate, float embeddingDropout, TimeSpan progressInterval) => new()
    {
        EmbeddingDropout = embeddingDropout,
        Epochs = epochs,
        BatchSize = batchSize,
        Seed = seed,
        ClipNorm = ClipNorm,
        CreateOptimizer = count => new Adam(count, learningRate),
        ProgressInterval = progressInterval,
        // The learning rate for four epochs, then 0.75 times the last epoch's rate each epoch.
        LearningRateSchedule = new DelayedDecay(constantEpochs: 4, gamma: 0.75f),
        // With 8,325 pairs the model overfits after a few epochs: stop when the validation loss has not improved for
        // two epochs and keep the best epoch's parameters.
        EarlyStopping = new EarlyStoppingOptions { Patience = 2, RestoreBestParameters = true },
    };
}
