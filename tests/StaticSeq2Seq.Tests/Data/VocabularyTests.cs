using StaticSeq2Seq.Data;
using Xunit;

namespace StaticSeq2Seq.Tests.Data;

public sealed class VocabularyTests
{
    private static readonly string[][] Corpus =
    [
        ["the", "cat", "sat"],
        ["the", "dog", "sat"],
        ["a", "cat", "ran"],
        ["the", "bird"],
    ];

    [Fact]
    public void Reserves_the_first_four_ids_for_the_special_tokens()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Equal(["<pad>", "<sos>", "<eos>", "<unk>"], vocabulary.Tokens.Take(4));
        Assert.Equal(SpecialTokens.Pad, vocabulary["<pad>"]);
        Assert.Equal(SpecialTokens.Sos, vocabulary["<sos>"]);
        Assert.Equal(SpecialTokens.Eos, vocabulary["<eos>"]);
        Assert.Equal(SpecialTokens.Unk, vocabulary["<unk>"]);
    }

    [Fact]
    public void Orders_words_by_count_then_ordinally()
    {
        // Counts: the 3; cat 2, sat 2; a, bird, dog, ran 1 each.
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Equal(["the", "cat", "sat", "a", "bird", "dog", "ran"], vocabulary.Tokens.Skip(4));
        Assert.Equal(11, vocabulary.Count);
    }

    [Fact]
    public void Gives_the_same_ids_whatever_order_the_corpus_comes_in()
    {
        var forwards = Vocabulary.Build(Corpus);
        var backwards = Vocabulary.Build(Corpus.Reverse());

        Assert.Equal(forwards.Tokens, backwards.Tokens);
    }

    [Fact]
    public void Compares_words_ordinally_and_case_sensitively()
    {
        var vocabulary = Vocabulary.Build([["b", "B", "a", "A"]]);

        Assert.Equal(["A", "B", "a", "b"], vocabulary.Tokens.Skip(4));
    }

    [Fact]
    public void Drops_words_below_the_minimum_count()
    {
        var vocabulary = Vocabulary.Build(Corpus, minCount: 2);

        Assert.Equal(["the", "cat", "sat"], vocabulary.Tokens.Skip(4));
    }

    [Fact]
    public void Keeps_the_most_frequent_words_within_the_maximum_size_special_tokens_included()
    {
        var vocabulary = Vocabulary.Build(Corpus, maxSize: 6);

        Assert.Equal(6, vocabulary.Count);
        Assert.Equal(["the", "cat"], vocabulary.Tokens.Skip(4));
    }

    [Fact]
    public void Special_token_texts_in_the_corpus_are_not_added_twice()
    {
        var vocabulary = Vocabulary.Build([["<unk>", "word", "<eos>", "<unk>"]]);

        Assert.Equal(5, vocabulary.Count);
        Assert.Equal("word", vocabulary.GetToken(4));
    }

    [Fact]
    public void Encodes_known_words_to_their_ids_and_unknown_words_to_unk()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Equal([4, 5, SpecialTokens.Unk, 6], vocabulary.Encode(["the", "cat", "flew", "sat"]));
    }

    [Fact]
    public void Encodes_text_split_on_any_whitespace()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Equal([4, 8, SpecialTokens.Unk], vocabulary.Encode("  the\tbird \n Cat "));
        Assert.Empty(vocabulary.Encode("   "));
    }

    [Fact]
    public void Decodes_to_space_joined_words_skipping_pad_and_sos_and_stopping_at_eos()
    {
        var vocabulary = Vocabulary.Build(Corpus);
        int[] ids = [SpecialTokens.Sos, 4, SpecialTokens.Pad, 5, SpecialTokens.Unk, 6, SpecialTokens.Eos, 7, 8];

        Assert.Equal("the cat <unk> sat", vocabulary.Decode(ids));
        Assert.Equal("", vocabulary.Decode([SpecialTokens.Eos, 4]));
    }

    [Fact]
    public void Decode_inverts_encode_for_known_words()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Equal("a cat sat the dog", vocabulary.Decode(vocabulary.Encode("a cat sat the dog")));
    }

    [Fact]
    public void TryGetId_and_GetToken_agree()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.True(vocabulary.TryGetId("dog", out var id));
        Assert.Equal("dog", vocabulary.GetToken(id));
        Assert.False(vocabulary.TryGetId("Dog", out _));
    }

    [Fact]
    public void The_indexer_rejects_an_unknown_word_and_points_to_Encode()
    {
        var vocabulary = Vocabulary.Build(Corpus);

        var error = Assert.Throws<KeyNotFoundException>(() => vocabulary["zebra"]);

        Assert.Contains("'zebra'", error.Message);
        Assert.Contains("Encode", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Ids_outside_the_vocabulary_are_rejected(int id)
    {
        var vocabulary = Vocabulary.Build(Corpus);

        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.GetToken(id));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([4, id]));
        Assert.Contains("0..10", error.Message);
    }

    [Fact]
    public void FromTokens_restores_a_built_vocabulary()
    {
        var built = Vocabulary.Build(Corpus);

        var restored = Vocabulary.FromTokens(built.Tokens);

        Assert.Equal(built.Tokens, restored.Tokens);
        Assert.Equal(built.Encode("the bird ran"), restored.Encode("the bird ran"));
    }

    [Fact]
    public void FromTokens_rejects_a_list_without_the_special_tokens_first()
    {
        var error = Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["<pad>", "<sos>", "cat"]));

        Assert.Contains("Id 2 must be the special token <eos>", error.Message);
    }

    [Fact]
    public void FromTokens_rejects_a_repeated_token()
    {
        var error = Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["<pad>", "<sos>", "<eos>", "<unk>", "cat", "cat"]));

        Assert.Contains("ids 4 and 5", error.Message);
    }

    [Fact]
    public void Build_rejects_words_that_could_not_come_back_out_of_Encode()
    {
        Assert.Throws<ArgumentException>(() => Vocabulary.Build([["fine", "not fine"]]));
        Assert.Throws<ArgumentException>(() => Vocabulary.Build([["fine", ""]]));
        Assert.Throws<ArgumentException>(() => Vocabulary.Build([["fine", null!]]));
    }

    [Fact]
    public void Build_rejects_a_maximum_size_without_room_for_the_special_tokens()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(Corpus, maxSize: 3));

        Assert.Contains("at least 4", error.Message);
    }
}
