using StaticSeq2Seq;
using StaticSeq2Seq.Data;
using Translate.Commands;

namespace Translate;

/// <summary>
/// The pairs a run trains and validates on, encoded with its vocabularies: the first <c>trainPairs</c> of the
/// corpus's training split and the first <c>validationPairs</c> of its validation split.
/// </summary>
internal sealed class TrainingData
{
    private TrainingData(TranslationCorpus corpus, Vocabulary english, Vocabulary french, int[] trainIndices, int[] validationIndices)
    {
        Corpus = corpus;
        English = english;
        French = french;
        TrainIndices = trainIndices;
        ValidationIndices = validationIndices;
        Train = corpus.Encode(trainIndices, english, french);
        Validation = corpus.Encode(validationIndices, english, french);
        ValidationReferences = validationIndices.Select(i => (IReadOnlyList<string>)corpus.Pairs[i].French).ToArray();
    }

    public TranslationCorpus Corpus { get; }

    public Vocabulary English { get; }

    public Vocabulary French { get; }

    public int[] TrainIndices { get; }

    public int[] ValidationIndices { get; }

    public SequencePair[] Train { get; }

    public SequencePair[] Validation { get; }

    public IReadOnlyList<IReadOnlyList<string>> ValidationReferences { get; }

    /// <summary>
    /// A new run's data, with vocabularies built from its training pairs.
    /// </summary>
    /// <exception cref="CommandFailedException">The model cannot hold the vocabularies or the sentences.</exception>
    public static TrainingData ForNewRun(TranslationCorpus corpus, int trainPairs, int validationPairs)
    {
        var (english, french) = corpus.BuildVocabularies(trainPairs);
        if (corpus.WhyTheModelDoesNotFit(english, french) is { } problem)
        {
            throw new CommandFailedException(problem);
        }
        return new TrainingData(corpus, english, french, corpus.TrainIndices.Take(trainPairs).ToArray(), corpus.ValidationIndices.Take(validationPairs).ToArray());
    }

    /// <summary>The data of a run whose vocabularies a checkpoint holds.</summary>
    public static TrainingData WithVocabularies(TranslationCorpus corpus, Vocabulary english, Vocabulary french, int trainPairs, int validationPairs) =>
        new(corpus, english, french, corpus.TrainIndices.Take(trainPairs).ToArray(), corpus.ValidationIndices.Take(validationPairs).ToArray());

    /// <summary>Writes what the run trains on, the vocabularies and the model.</summary>
    public void Describe(TextWriter output)
    {
        var unknown = Validation.Sum(p => p.Source.Count(id => id == SpecialTokens.Unk));
        // Tatoeba often translates one English sentence several ways, so many validation sources also occur in
        // training, and a single reference marks a correct alternative translation wrong.
        var trainingSources = TrainIndices.Select(i => string.Join(' ', Corpus.Pairs[i].English)).ToHashSet();
        var seenSources = ValidationIndices.Count(i => trainingSources.Contains(string.Join(' ', Corpus.Pairs[i].English)));
        output.WriteLine($"Translate: {Corpus.Pairs.Length:N0} pairs from {Corpus.FileName} (Tatoeba, CC-BY 2.0 FR), {Train.Length:N0} for training and {Validation.Length:N0} for validation.");
        output.WriteLine($"Vocabularies from the training split: {English.Count:N0} English and {French.Count:N0} French tokens (specials included); " +
                         $"{unknown} validation source tokens are unknown. Longest sentences: {Corpus.LongestEnglish} English, {Corpus.LongestFrench} French tokens.");
        output.WriteLine($"{seenSources:N0} of the {Validation.Length:N0} validation English sentences also occur in the training split (Tatoeba pairs one sentence with several translations).");
        output.WriteLine($"Model: GRU encoder-decoder with Bahdanau attention, E = {Translator.EmbeddingSize}, H = {Translator.HiddenSize}, " +
                         $"vocabularies {Translator.SourceVocabularySize:N0} / {Translator.TargetVocabularySize:N0}, {Translator.ParameterCount:N0} parameter floats.");
    }
}
