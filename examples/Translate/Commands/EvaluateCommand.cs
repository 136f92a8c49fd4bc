using StaticSeq2Seq;
using StaticSeq2Seq.Checkpoints;

namespace Translate.Commands;

/// <summary>
/// <c>evaluate</c>: a checkpoint's validation loss, corpus BLEU and exact match, greedy and with a beam; with bfloat16
/// or int8 decode weights (or int8 weights and activations) also how far its decodes stray from the float weights' (<see cref="DecodeWeightComparison"/>).
/// </summary>
internal static class EvaluateCommand
{
    public static int Run(CommandContext context, string checkpointArgument, int beamWidth, int? validationPairs, DecodeWeightFormat decodeWeights)
    {
        var checkpoint = CheckpointFiles.ExistingCheckpoint(checkpointArgument);
        var model = new Translator();
        var info = Checkpoint.Load(checkpoint, model);
        var (english, french) = CheckpointFiles.Of(info, checkpoint);
        var corpus = TranslationCorpus.Load(TranslationCorpus.DefaultPath);
        var count = Math.Min(validationPairs ?? int.MaxValue, corpus.ValidationIndices.Length);
        var data = TrainingData.WithVocabularies(corpus, english, french, trainPairs: 0, count);
        ISeq2SeqModel decoding = decodeWeights switch
        {
            DecodeWeightFormat.BFloat16 => new TranslatorBFloat16(),
            DecodeWeightFormat.Int8 => new TranslatorInt8(),
            DecodeWeightFormat.Int8Dynamic => new TranslatorInt8Dynamic(),
            _ => model,
        };
        if (decoding != model)
        {
            model.Parameters.CopyTo(decoding.Parameters);
        }
        var report = ValidationReport.Measure(decoding, decoding.CreateWorkspace(), data.Validation, data.ValidationReferences, french, beamWidth);
        context.Output.WriteLine($"Checkpoint {checkpoint}" +
            (info.Training is { } training ? $", after {training.EpochsCompleted} epochs ({training.StepsCompleted:N0} steps)" : "") +
            $", decoding with {decodeWeights} weights.");
        report.Write(context.Output);
        if (decoding != model)
        {
            DecodeWeightComparison.Measure(model, decoding, data.Validation).Write(context.Output, decodeWeights);
        }
        return 0;
    }
}
