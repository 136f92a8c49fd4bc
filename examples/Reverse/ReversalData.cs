using StaticSeq2Seq;
using StaticSeq2Seq.Data;

namespace Reverse;

/// <summary>Random word sequences of 5 to 10 tokens and their reversals; held-out sequences never occur in training.</summary>
internal static class ReversalData
{
    public const int Words = 20;
    public const int MinLength = 5;
    public const int MaxLength = 10;

    public static Vocabulary CreateVocabulary() =>
        Vocabulary.FromTokens(
            new[] { Vocabulary.PadToken, Vocabulary.SosToken, Vocabulary.EosToken, Vocabulary.UnkToken }
                .Concat(Enumerable.Range(0, Words).Select(i => $"w{i:00}")));

    public static (List<SequencePair> Train, List<SequencePair> HeldOut) Create(int trainCount, int heldOutCount, ulong seed)
    {
        var random = new SeededRandom(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var heldOut = Draw(ref random, heldOutCount, seen);
        var train = Draw(ref random, trainCount, seen);
        return (train, heldOut);
    }

    private static List<SequencePair> Draw(ref SeededRandom random, int count, HashSet<string> seen)
    {
        var pairs = new List<SequencePair>(count);
        while (pairs.Count < count)
        {
            var source = new int[MinLength + random.NextInt(MaxLength - MinLength + 1)];
            for (var i = 0; i < source.Length; i++)
            {
                source[i] = SpecialTokens.Count + random.NextInt(Words);
            }
            if (seen.Add(string.Join(',', source)))
            {
                pairs.Add(new SequencePair(source, source.Reverse().ToArray()));
            }
        }
        return pairs;
    }
}
