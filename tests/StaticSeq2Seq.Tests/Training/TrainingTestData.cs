using StaticSeq2Seq.Data;

namespace StaticSeq2Seq.Tests.Training;

internal static class TrainingTestData
{
    /// <summary><paramref name="count"/> pairs whose sources start with the distinct tokens 4, 5, 6…, so a recorded source names its pair.</summary>
    public static SequencePair[] DistinctPairs(int count)
    {
        var pairs = new SequencePair[count];
        for (var i = 0; i < count; i++)
        {
            var first = SpecialTokens.Count + i;
            pairs[i] = new SequencePair([first, 7], [5 + i % 3, 9]);
        }
        return pairs;
    }
}
