using StaticSeq2Seq.Text;
using Xunit;

namespace StaticSeq2Seq.Tests.Text;

public sealed class TutorialNormalizerTests
{
    // Expected values printed by the tutorial's own normalizeString (current version, second pattern
    // [^a-zA-Z!?]+ and a final strip()) under CPython 3.11:
    //
    //   import re, unicodedata
    //   def unicodeToAscii(s):
    //       return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')
    //   def normalizeString(s):
    //       s = unicodeToAscii(s.lower().strip())
    //       s = re.sub(r"([.!?])", r" \1", s)
    //       s = re.sub(r"[^a-zA-Z!?]+", r" ", s)
    //       return s.strip()
    [Theory]
    [InlineData("Go.", "go")]
    [InlineData("Run!", "run !")]
    [InlineData("\u00c7a alors\u202f!", "ca alors !")]
    [InlineData("I'm OK.", "i m ok")]
    [InlineData("Je suis d\u00e9sol\u00e9, Tom !", "je suis desole tom !")]
    [InlineData("What?!", "what ? !")]
    [InlineData("Hi...", "hi")]
    [InlineData("Hello!!  World??", "hello ! ! world ? ?")]
    [InlineData("C\u0153ur bris\u00e9.", "c ur brise")]
    [InlineData("Stra\u00dfe", "stra e")]
    [InlineData("\u0130stanbul", "istanbul")]
    [InlineData("  Tom's 3 cats. ", "tom s cats")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("...", "")]
    [InlineData("A.B", "a b")]
    [InlineData("Qu'est-ce que c'est ?", "qu est ce que c est ?")]
    [InlineData("NA\u00cfVE caf\u00e9", "naive cafe")]
    [InlineData("x\u0301y", "xy")]
    [InlineData("\u03a9mega", "mega")]
    [InlineData("e\u0301!", "e !")]
    public void Normalizes_exactly_as_the_tutorial(string text, string expected)
    {
        Assert.Equal(expected, TutorialNormalizer.Normalize(text));
    }

    [Fact]
    public void Drops_full_stops_as_the_current_tutorial_does()
    {
        // The older tutorial kept them ("i m ok ."); the current one's second pattern has no '.'.
        Assert.Equal("i m ok", TutorialNormalizer.Normalize("I'm OK."));
        Assert.DoesNotContain('.', TutorialNormalizer.Normalize("Wait. Stop. Go..."));
    }

    [Fact]
    public void Normalizing_twice_changes_nothing()
    {
        foreach (var text in new[] { "Je suis d\u00e9sol\u00e9, Tom !", "What?!", "I'm OK.", "Hello!!  World??" })
        {
            var once = TutorialNormalizer.Normalize(text);
            Assert.Equal(once, TutorialNormalizer.Normalize(once));
        }
    }

    [Fact]
    public void Removes_combining_marks_but_keeps_undecomposable_letters()
    {
        Assert.Equal("Ca alors, desole", TutorialNormalizer.RemoveDiacritics("\u00c7a alors, d\u00e9sol\u00e9"));
        Assert.Equal("c\u0153ur", TutorialNormalizer.RemoveDiacritics("c\u0153ur"));
        Assert.Equal("\U0001F600", TutorialNormalizer.RemoveDiacritics("\U0001F600"));
    }

    [Fact]
    public void Passes_through_what_dotnet_cannot_normalize_as_python_does()
    {
        // Python keeps an unpaired surrogate or U+FFFE through NFD; .NET's string.Normalize throws on them.
        Assert.Equal("e\uD800e\uFFFEe", TutorialNormalizer.RemoveDiacritics("\u00e9\uD800e\u0301\uFFFE\u00e9"));
        Assert.Equal("e e e", TutorialNormalizer.Normalize("\u00c9\uD800e\u0301\uFFFE\u00e9"));
    }

    [Fact]
    public void Tokenizes_at_whitespace()
    {
        Assert.Equal(["je", "suis", "desole", "!"], TutorialNormalizer.Tokenize("je suis desole !"));
        Assert.Equal(["a", "b"], TutorialNormalizer.Tokenize("  a \t b\n"));
        Assert.Empty(TutorialNormalizer.Tokenize(""));
    }

    [Fact]
    public void Rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => TutorialNormalizer.Normalize(null!));
        Assert.Throws<ArgumentNullException>(() => TutorialNormalizer.RemoveDiacritics(null!));
        Assert.Throws<ArgumentNullException>(() => TutorialNormalizer.Tokenize(null!));
    }
}
