using StaticSeq2Seq;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Metrics;
using StaticSeq2Seq.Optimization;
using StaticSeq2Seq.Text;
using StaticSeq2Seq.Training;
using StaticSeq2Seq.Visualization;
using Translate;

// English -> French, as in the PyTorch tutorial "Translation with a Sequence to Sequence Network and
// Attention": a GRU encoder-decoder with Bahdanau attention trained on the tutorial's filtered Tatoeba pairs.
//
//   dotnet run -c Release --project examples/Translate [-- --epochs N] [--out folder]
var epochs = 10;
var outFolder = Path.Combine(ProjectFolder(), "out");
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var e) && e >= 1:
            epochs = e;
            i++;
            break;
        case "--out" when i + 1 < args.Length:
            outFolder = Path.GetFullPath(args[++i]);
            break;
        default:
            Console.Error.WriteLine("usage: dotnet run -c Release --project examples/Translate [-- --epochs N] [--out folder]");
            return 2;
    }
}

// The data: 9,250 normalised pairs, English TAB French; the words are the space-separated tokens.
var dataPath = Path.Combine(AppContext.BaseDirectory, "data", "eng-fra.filtered.tsv");
if (!File.Exists(dataPath))
{
    Console.Error.WriteLine($"The corpus is missing: {dataPath}. Build the project so data/eng-fra.filtered.tsv is copied beside it.");
    return 1;
}
var corpus = ParallelCorpus.ReadTsv(dataPath);
var tokenised = corpus
    .Select(p => (English: TutorialNormalizer.Tokenize(p.Source), French: TutorialNormalizer.Tokenize(p.Target)))
    .ToArray();

// A fixed 90/10 split; the vocabularies come from the training split only, so validation words the model
// never saw become UNK, as they would for new text.
var order = Enumerable.Range(0, tokenised.Length).ToArray();
new Random(2026).Shuffle(order);
var validationCount = tokenised.Length / 10;
var trainIndices = order[validationCount..];
var validationIndices = order[..validationCount];
var sourceVocabulary = Vocabulary.Build(trainIndices.Select(i => (IReadOnlyList<string>)tokenised[i].English));
var targetVocabulary = Vocabulary.Build(trainIndices.Select(i => (IReadOnlyList<string>)tokenised[i].French));
if (sourceVocabulary.Count > Translator.SourceVocabularySize || targetVocabulary.Count > Translator.TargetVocabularySize)
{
    Console.Error.WriteLine(
        $"The vocabularies do not fit the model: {sourceVocabulary.Count:N0} English tokens (the model has room for {Translator.SourceVocabularySize:N0}) " +
        $"and {targetVocabulary.Count:N0} French tokens (room for {Translator.TargetVocabularySize:N0}). " +
        "Raise SourceVocabularySize and TargetVocabularySize in Translator.cs to at least these counts.");
    return 1;
}
var longestSource = tokenised.Max(p => p.English.Length);
var longestTarget = tokenised.Max(p => p.French.Length);
if (longestSource > Translator.MaxSourceLength || longestTarget > Translator.MaxTargetLength)
{
    Console.Error.WriteLine(
        $"The sentences are too long for the model: up to {longestSource} English and {longestTarget} French tokens, " +
        $"but MaxSourceLength is {Translator.MaxSourceLength} and MaxTargetLength {Translator.MaxTargetLength}. Raise them in Translator.cs.");
    return 1;
}

SequencePair Encode(int index) => new(
    sourceVocabulary.Encode(tokenised[index].English),
    targetVocabulary.Encode(tokenised[index].French));
var train = trainIndices.Select(Encode).ToArray();
var validation = validationIndices.Select(Encode).ToArray();
var validationText = validationIndices.Select(i => tokenised[i]).ToArray();
var unknown = validation.Sum(p => p.Source.Count(id => id == SpecialTokens.Unk));
// Tatoeba often translates one English sentence several ways, so many validation sources also occur in
// training, and a single reference marks a correct alternative translation wrong.
var trainingSources = trainIndices.Select(i => string.Join(' ', tokenised[i].English)).ToHashSet();
var seenSources = validationIndices.Count(i => trainingSources.Contains(string.Join(' ', tokenised[i].English)));
Console.WriteLine($"Translate: {corpus.Count:N0} pairs from {Path.GetFileName(dataPath)} (Tatoeba, CC-BY 2.0 FR), {train.Length:N0} for training and {validation.Length:N0} for validation.");
Console.WriteLine($"Vocabularies from the training split: {sourceVocabulary.Count:N0} English and {targetVocabulary.Count:N0} French tokens (specials included); " +
                  $"{unknown} validation source tokens are unknown. Longest sentences: {longestSource} English, {longestTarget} French tokens.");
Console.WriteLine($"{seenSources:N0} of the {validation.Length:N0} validation English sentences also occur in the training split (Tatoeba pairs one sentence with several translations).");

var model = new Translator();
model.InitializeParameters(seed: 1);
Console.WriteLine($"Model: GRU encoder-decoder with Bahdanau attention, E = {Translator.EmbeddingSize}, H = {Translator.HiddenSize}, " +
                  $"vocabularies {Translator.SourceVocabularySize:N0} / {Translator.TargetVocabularySize:N0}, {Translator.ParameterCount:N0} parameter floats.");

var options = new TrainingOptions
{
    Epochs = epochs,
    BatchSize = 32,
    Seed = 7,
    ClipNorm = 5f,
    CreateOptimizer = count => new Adam(count, learningRate: 2e-3f),
    ProgressInterval = TimeSpan.FromSeconds(5),
    // 2e-3 for four epochs, then 0.75 times the last epoch's rate each epoch.
    LearningRateSchedule = new DelayedDecay(constantEpochs: 4, gamma: 0.75f),
    // With 8,325 pairs the model overfits after a few epochs: stop when the validation loss has not improved for
    // two epochs and keep the best epoch's parameters.
    EarlyStopping = new EarlyStoppingOptions { Patience = 2, RestoreBestParameters = true },
};
var trainer = new Seq2SeqTrainer(model, options);
var summary = trainer.Train(train, validation, TrainingProgressWriter.ForConsole());
Console.WriteLine();
Console.WriteLine($"Trained {summary.Epochs} epochs ({summary.Steps:N0} steps) in {summary.Elapsed:m\\:ss} at {summary.PairsPerSecond:N0} pairs/s" +
                  (summary.StoppedEarly ? $"; stopped early, the validation loss was best after epoch {summary.BestEpoch} ({summary.BestValidationLoss:F3})" : "") +
                  (summary.RestoredBestParameters ? ", whose parameters are kept." : "."));

// Validation: loss, then greedy and beam decodes of every source, scored by corpus BLEU and exact match.
var workspace = trainer.Workspace;
var loss = Evaluation.ValidationLoss(model, workspace, validation);
var output = new int[Translator.MaxTargetLength];
const int BeamWidth = 5;
var beam = new BeamSearchDecoder(model, maxBeamWidth: BeamWidth);
var beamOptions = new BeamSearchOptions { BeamWidth = BeamWidth, LengthPenalty = 0.6f };
var references = new List<IReadOnlyList<string>>(validation.Length);
var greedyOutputs = new List<IReadOnlyList<string>>(validation.Length);
var beamOutputs = new List<IReadOnlyList<string>>(validation.Length);
for (var i = 0; i < validation.Length; i++)
{
    var length = model.DecodeGreedy(workspace, validation[i].Source, output);
    greedyOutputs.Add(Words(targetVocabulary, output.AsSpan(0, length)));
    beam.Decode(workspace, validation[i].Source, beamOptions);
    beamOutputs.Add(Words(targetVocabulary, beam.GetTokens(0)));
    references.Add(validationText[i].French);
}
var greedyBleu = Bleu.Corpus(greedyOutputs, references);
var beamBleu = Bleu.Corpus(beamOutputs, references);
var greedyExact = SequenceMetrics.ExactMatchRate(greedyOutputs, references);
var beamExact = SequenceMetrics.ExactMatchRate(beamOutputs, references);

Console.WriteLine();
Console.WriteLine($"Validation ({validation.Length:N0} pairs): loss {loss.MeanPerPair:F3} per sentence, {loss.MeanPerToken:F3} per token (perplexity {loss.Perplexity:F2}).");
Console.WriteLine($"  greedy          BLEU {greedyBleu.Score,5:F1}  exact match {greedyExact,6:P1}   ({greedyBleu})");
Console.WriteLine($"  beam {BeamWidth}, a = 0.6  BLEU {beamBleu.Score,5:F1}  exact match {beamExact,6:P1}   ({beamBleu})");

Console.WriteLine();
Console.WriteLine("Sample validation translations:");
foreach (var i in Enumerable.Range(0, 8))
{
    Console.WriteLine($"  > {string.Join(' ', validationText[i].English)}");
    Console.WriteLine($"  = {string.Join(' ', references[i])}");
    Console.WriteLine($"  greedy < {string.Join(' ', greedyOutputs[i])}");
    Console.WriteLine($"  beam   < {string.Join(' ', beamOutputs[i])}");
    Console.WriteLine();
}

// Attention heat maps of four greedy decodes: row t holds the weights over the source while writing token t
// (the last row is the step that wrote EOS).
Directory.CreateDirectory(outFolder);
Console.WriteLine($"Attention heat maps in {outFolder}:");
foreach (var i in Enumerable.Range(0, 4))
{
    var source = validation[i].Source;
    var length = model.DecodeGreedy(workspace, source, output);
    var steps = length < Translator.MaxTargetLength ? length + 1 : length;
    var weights = new float[steps * source.Length];
    for (var step = 0; step < steps; step++)
    {
        model.GetAttentionWeights(workspace, step).CopyTo(weights.AsSpan(step * source.Length, source.Length));
    }
    var sourceTokens = source.Select(sourceVocabulary.GetToken).ToArray();
    var outputTokens = output.Take(length).Select(targetVocabulary.GetToken).ToList();
    if (steps > length)
    {
        outputTokens.Add(Vocabulary.EosToken);
    }
    var path = Path.Combine(outFolder, $"attention-{i + 1}.svg");
    AttentionHeatmap.Save(path, weights, sourceTokens, outputTokens, $"{string.Join(' ', validationText[i].English)} → {string.Join(' ', outputTokens.Take(length))}");
    Console.WriteLine($"  {path}");
}
return 0;

static IReadOnlyList<string> Words(Vocabulary vocabulary, ReadOnlySpan<int> ids)
{
    var words = new List<string>(ids.Length);
    foreach (var id in ids)
    {
        if (id == SpecialTokens.Eos)
        {
            break;
        }
        words.Add(vocabulary.GetToken(id));
    }
    return words;
}

// The project folder when run from a build output inside it (bin/<configuration>/<framework>/), else the current folder.
static string ProjectFolder()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "Translate.csproj")))
        {
            return folder.FullName;
        }
    }
    return Path.Combine(Directory.GetCurrentDirectory(), "translate-out");
}
