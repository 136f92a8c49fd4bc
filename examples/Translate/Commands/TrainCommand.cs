using StaticSeq2Seq.Training;

namespace Translate.Commands;

/// <summary><c>train</c>: a new run, checkpointed after every epoch.</summary>
internal static class TrainCommand
{
    public sealed record Arguments(
        string Checkpoint, bool Overwrite, int Epochs, ulong Seed, ulong InitializationSeed, int BatchSize, float LearningRate,
        int? TrainPairs, int? ValidationPairs, float EmbeddingDropout);

    public static int Run(CommandContext context, Arguments arguments, CancellationToken cancellationToken)
    {
        var checkpoint = Path.GetFullPath(arguments.Checkpoint);
        if (File.Exists(checkpoint) && !arguments.Overwrite)
        {
            throw new CommandFailedException(
                $"{checkpoint} exists already. Continue its run with 'resume --checkpoint {arguments.Checkpoint}', " +
                "or start a new one over it with --overwrite.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);

        var corpus = TranslationCorpus.Load(TranslationCorpus.DefaultPath);
        var trainPairs = Math.Min(arguments.TrainPairs ?? int.MaxValue, corpus.TrainIndices.Length);
        var validationPairs = Math.Min(arguments.ValidationPairs ?? int.MaxValue, corpus.ValidationIndices.Length);
        var data = TrainingData.ForNewRun(corpus, trainPairs, validationPairs);
        var model = new Translator();
        model.InitializeParameters(arguments.InitializationSeed);
        data.Describe(context.Output);

        var options = TranslatorTraining.Options(arguments.Epochs, arguments.Seed, arguments.BatchSize, arguments.LearningRate, arguments.EmbeddingDropout, context.ProgressInterval);
        using var trainer = new Seq2SeqTrainer(model, options);
        var settings = new RunSettings(arguments.Epochs, trainPairs, validationPairs, arguments.EmbeddingDropout, Finished: false);
        return TrainingRun.Run(context, model, trainer, data, settings, checkpoint, cancellationToken);
    }
}
