using StaticSeq2Seq.Text;
using Xunit;

namespace StaticSeq2Seq.Tests.Text;

/// <summary>Checks the committed examples/Translate/data/eng-fra.filtered.tsv against the tutorial's rules.</summary>
public sealed class TranslateDataTests
{
    private static readonly string DataPath = FindRepositoryFile(Path.Combine("examples", "Translate", "data", "eng-fra.filtered.tsv"));

    [Fact]
    public void Holds_the_9250_pairs_of_the_tutorial_filter()
    {
        Assert.Equal(9250, ParallelCorpus.ReadTsv(DataPath).Count);
    }

    [Fact]
    public void Every_pair_is_normalised_and_passes_the_filter()
    {
        var pairs = ParallelCorpus.ReadTsv(DataPath);

        Assert.All(pairs, pair =>
        {
            Assert.Equal(pair.Source, TutorialNormalizer.Normalize(pair.Source));
            Assert.Equal(pair.Target, TutorialNormalizer.Normalize(pair.Target));
            Assert.True(TutorialFilter.Keep(pair.Source, pair.Target), $"{pair.Source} / {pair.Target}");
        });
    }

    [Fact]
    public void Starts_with_the_first_pairs_of_the_source_file()
    {
        var pairs = ParallelCorpus.ReadTsv(DataPath);

        Assert.Equal(new SentencePair("i m ok", "je vais bien"), pairs[0]);
        Assert.Equal(new SentencePair("i m ok", "ca va"), pairs[1]);
    }

    private static string FindRepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"Could not find {relativePath} in any folder above {AppContext.BaseDirectory}.");
    }
}
