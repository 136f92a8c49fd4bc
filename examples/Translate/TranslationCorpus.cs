using StaticSeq2Seq.Data;
using StaticSeq2Seq.Text;

namespace Translate;

/// <summary>
/// The bundled English-French pairs, tokenised, and their fixed 90/10 split into training and validation pairs.
/// </summary>
internal sealed class TranslationCorpus
{
    // The split's seed: every command sees the same training and validation pairs.
    private const int SplitSeed = 2026;

    private TranslationCorpus(string path, (string[] English, string[] French)[] pairs, int[] trainIndices, int[] validationIndices)
    {
        FileName = Path.GetFileName(path);
        Pairs = pairs;
        TrainIndices = trainIndices;
        ValidationIndices = validationIndices;
    }

    /// <summary>The corpus beside the program, copied there at build time.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "eng-fra.filtered.tsv");

    public string FileName { get; }

    /// <summary>Every pair's words: the file is normalised, so the words are its space-separated tokens.</summary>
    public (string[] English, string[] French)[] Pairs { get; }

    public int[] TrainIndices { get; }

    public int[] ValidationIndices { get; }

    public int LongestEnglish => Pairs.Max(p => p.English.Length);

    public int LongestFrench => Pairs.Max(p => p.French.Length);

    /// <exception cref="FileNotFoundException">The file is missing; the message says how to get it.</exception>
    /// <exception cref="CorpusFormatException">A line is not a tab-separated pair.</exception>
    public static TranslationCorpus Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The corpus is missing: {path}. Build the project so data/eng-fra.filtered.tsv is copied beside it.", path);
        }
        var pairs = ParallelCorpus.ReadTsv(path)
            .Select(p => (English: TutorialNormalizer.Tokenize(p.Source), French: TutorialNormalizer.Tokenize(p.Target)))
            .ToArray();
        var order = Enumerable.Range(0, pairs.Length).ToArray();
        new Random(SplitSeed).Shuffle(order);
        var validationCount = pairs.Length / 10;
        return new TranslationCorpus(path, pairs, order[validationCount..], order[..validationCount]);
    }

    /// <summary>
    /// The vocabularies of the first <paramref name="trainPairs"/> training pairs, so validation words the model never
    /// saw become UNK, as they would for new text.
    /// </summary>
    public (Vocabulary English, Vocabulary French) BuildVocabularies(int trainPairs)
    {
        var indices = TrainIndices.Take(trainPairs).ToArray();
        return (Vocabulary.Build(indices.Select(i => (IReadOnlyList<string>)Pairs[i].English)),
                Vocabulary.Build(indices.Select(i => (IReadOnlyList<string>)Pairs[i].French)));
    }

    public SequencePair[] Encode(IEnumerable<int> indices, Vocabulary english, Vocabulary french) =>
        indices.Select(i => new SequencePair(english.Encode(Pairs[i].English), french.Encode(Pairs[i].French))).ToArray();

    /// <summary>Why the model cannot hold these vocabularies or sentences, or null when it can.</summary>
    public string? WhyTheModelDoesNotFit(Vocabulary english, Vocabulary french)
    {
        if (english.Count > Translator.SourceVocabularySize || french.Count > Translator.TargetVocabularySize)
        {
            return $"The vocabularies do not fit the model: {english.Count:N0} English tokens (the model has room for {Translator.SourceVocabularySize:N0}) " +
                   $"and {french.Count:N0} French tokens (room for {Translator.TargetVocabularySize:N0}). " +
                   "Raise SourceVocabularySize and TargetVocabularySize in Translator.cs to at least these counts.";
        }
        if (LongestEnglish > Translator.MaxSourceLength || LongestFrench > Translator.MaxTargetLength)
        {
            return $"The sentences are too long for the model: up to {LongestEnglish} English and {LongestFrench} French tokens, " +
                   $"but MaxSourceLength is {Translator.MaxSourceLength} and MaxTargetLength {Translator.MaxTargetLength}. Raise them in Translator.cs.";
        }
        return null;
    }
}
