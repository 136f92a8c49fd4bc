using StaticSeq2Seq.Training;

namespace Translate.Commands;

/// <summary>
/// What the program does without a command: trains a new model (nothing is saved), reports the validation figures,
/// prints sample translations and writes attention heat maps.
/// </summary>
internal static class MainJob
{
    private const int BeamWidth = 5;
    private const int Samples = 8;
    private const int HeatMaps = 4;

    public static int Run(CommandContext context, int epochs, string outFolder)
    {
        var output = context.Output;
        var corpus = TranslationCorpus.Load(TranslationCorpus.DefaultPath);
        var data = TrainingData.ForNewRun(corpus, corpus.TrainIndices.Length, corpus.ValidationIndices.Length);
        var model = new Translator();
        model.InitializeParameters(TranslatorTraining.DefaultInitializationSeed);
        data.Describe(output);

        var options = TranslatorTraining.Options(
            epochs, TranslatorTraining.DefaultSeed, TranslatorTraining.DefaultBatchSize, TranslatorTraining.DefaultLearningRate,
            TranslatorTraining.DefaultEmbeddingDropout, context.ProgressInterval);
        using var trainer = new Seq2SeqTrainer(model, options);
        var summary = trainer.Train(data.Train, data.Validation, new TrainingProgressWriter(output, context.OutputIsTerminal));
        output.WriteLine();
        output.WriteLine(TrainingSummaryLine.Format(summary));

        var workspace = trainer.Workspace;
        var report = ValidationReport.Measure(model, workspace, data.Validation, data.ValidationReferences, data.French, BeamWidth);
        output.WriteLine();
        report.Write(output);

        output.WriteLine();
        output.WriteLine("Sample validation translations:");
        for (var i = 0; i < Math.Min(Samples, data.Validation.Length); i++)
        {
            output.WriteLine($"  > {string.Join(' ', corpus.Pairs[data.ValidationIndices[i]].English)}");
            output.WriteLine($"  = {string.Join(' ', report.References[i])}");
            output.WriteLine($"  greedy < {string.Join(' ', report.Greedy[i])}");
            output.WriteLine($"  beam   < {string.Join(' ', report.Beam[i])}");
            output.WriteLine();
        }

        Directory.CreateDirectory(outFolder);
        output.WriteLine($"Attention heat maps in {outFolder}:");
        for (var i = 0; i < Math.Min(HeatMaps, data.Validation.Length); i++)
        {
            var path = Path.Combine(outFolder, $"attention-{i + 1}.svg");
            var sourceText = string.Join(' ', corpus.Pairs[data.ValidationIndices[i]].English);
            AttentionMaps.Save(path, model, workspace, data.Validation[i].Source, sourceText, data.English, data.French);
            output.WriteLine($"  {path}");
        }
        return 0;
    }

    /// <summary>The project folder's <c>out</c> when run from a build output inside it (bin/&lt;configuration&gt;/&lt;framework&gt;/), else <c>translate-out</c> in the current folder.</summary>
    public static string DefaultOutFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Translate.csproj")))
            {
                return Path.Combine(folder.FullName, "out");
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "translate-out");
    }
}
