using StaticSeq2Seq.Checkpoints;

namespace Translate.Commands;

/// <summary><c>evaluate</c>: a checkpoint's validation loss, corpus BLEU and exact match, greedy and with a beam.</summary>
internal static class EvaluateCommand
{
    public static int Run(CommandContext context, string checkpointArgument, int beamWidth, int? validationPairs)
    {
        var checkpoint = CheckpointFiles.ExistingCheckpoint(checkpointArgument);
        var model = new Translator();
        var info = Checkpoint.Load(checkpoint, model);
        var (english, french) = CheckpointFiles.Of(info, checkpoint);
        var corpus = TranslationCorpus.Load(TranslationCorpus.DefaultPath);
        var count = Math.Min(validationPairs ?? int.MaxValue, corpus.ValidationIndices.Length);
        var data = TrainingData.WithVocabularies(corpus, english, french, trainPairs: 0, count);
        var report = ValidationReport.Measure(model, model.CreateWorkspace(), data.Validation, data.ValidationReferences, french, beamWidth);
        context.Output.WriteLine($"Checkpoint {checkpoint}" +
            (info.Training is { } training ? $", after {training.EpochsCompleted} epochs ({training.StepsCompleted:N0} steps)." : "."));
        report.Write(context.Output);
        return 0;
    }
}
