using StaticSeq2Seq.Text;
using Xunit;

namespace StaticSeq2Seq.Tests.Text;

public sealed class TutorialFilterTests
{
    [Fact]
    public void Has_the_tutorials_prefixes_and_length()
    {
        Assert.Equal(10, TutorialFilter.MaxLength);
        Assert.Equal(
            ["i am ", "i m ", "he is", "he s ", "she is", "she s ", "you are", "you re ", "we are", "we re ", "they are", "they re "],
            TutorialFilter.EnglishPrefixes);
    }

    [Theory]
    [InlineData("i am cold", true)]
    [InlineData("i m cold", true)]
    [InlineData("he is tall", true)]
    [InlineData("he isn t tall", true)] // "he is" has no trailing space in the tutorial
    [InlineData("he s tall", true)]
    [InlineData("she s tall", true)]
    [InlineData("you re right", true)]
    [InlineData("they are here", true)]
    [InlineData("we re ready !", true)]
    [InlineData("i am", false)] // "i am " needs the space
    [InlineData("i amazing", false)]
    [InlineData("she said no", false)]
    [InlineData("tom is tall", false)]
    [InlineData(" i am cold", false)]
    [InlineData("I am cold", false)] // the filter expects normalised, lower-case text
    public void Keeps_english_that_starts_with_a_prefix(string english, bool kept)
    {
        Assert.Equal(kept, TutorialFilter.Keep(english, "je"));
    }

    [Fact]
    public void Keeps_sentences_of_fewer_than_ten_words_on_both_sides()
    {
        const string Nine = "i am a b c d e f g";
        const string Ten = "i am a b c d e f g h";

        Assert.True(TutorialFilter.Keep(Nine, "un deux trois quatre cinq six sept huit neuf"));
        Assert.False(TutorialFilter.Keep(Ten, "je"));
        Assert.False(TutorialFilter.Keep(Nine, "un deux trois quatre cinq six sept huit neuf dix"));
    }

    [Fact]
    public void Counts_words_as_python_split_on_a_space()
    {
        // len("".split(' ')) is 1, and a doubled space makes an empty word.
        Assert.True(TutorialFilter.Keep("i am ok", ""));
        Assert.False(TutorialFilter.Keep("i am ok", "a b c d e f g h  i"));
    }

    [Fact]
    public void Normalizes_then_filters_keeping_order_and_duplicates()
    {
        SentencePair[] raw =
        [
            new("I'm OK.", "Je vais bien."),
            new("Tom is tall.", "Tom est grand."),
            new("I'm OK.", "\u00c7a va."),
            new("You're very, very, very, very, very, very, very, very kind.", "Tu es gentil."),
            new("She's sad!", "Elle est triste\u202f!"),
        ];

        var kept = TutorialFilter.NormalizeAndFilter(raw);

        Assert.Equal(
            [new SentencePair("i m ok", "je vais bien"), new SentencePair("i m ok", "ca va"), new SentencePair("she s sad !", "elle est triste !")],
            kept);
    }

    [Fact]
    public void Rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => TutorialFilter.Keep(null!, "a"));
        Assert.Throws<ArgumentNullException>(() => TutorialFilter.Keep("i am", null!));
        Assert.Throws<ArgumentNullException>(() => TutorialFilter.NormalizeAndFilter(null!));
        Assert.Throws<ArgumentNullException>(() => TutorialFilter.NormalizeAndFilter([new SentencePair("a", "b"), null!]));
    }
}
