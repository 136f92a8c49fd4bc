using StaticSeq2Seq.Metrics;
using Xunit;

namespace StaticSeq2Seq.Tests.Metrics;

/// <summary>
/// Numbers from sacreBLEU's own BLEU code. Where sacrebleu can be installed, each one is printed by
/// <code>
/// from sacrebleu.metrics import BLEU
/// s = BLEU(tokenize='none', smooth_method=METHOD, smooth_value=VALUE).corpus_score(hypotheses, [references])
/// print(repr(s.score), s.precisions, repr(s.bp), s.sys_len, s.ref_len)
/// </code>
/// pip and Debian's python3-sacrebleu were not reachable when these were recorded (CPython 3.11), so they come
/// from running a verbatim transcription of that path of sacreBLEU 2.x (BLEU.compute_bleu,
/// _compute_segment_statistics, _extract_reference_info, extract_all_word_ngrams, my_log), not the package.
/// </summary>
public sealed class SacreBleuCrossCheckTests
{
    private const int Digits = 12;

    private static readonly string[] Hypotheses = ["il est malade", "je suis chez moi", "elle a faim", "nous sommes ici"];
    private static readonly string[] References = ["il est tres malade aujourd hui", "je suis a la maison", "elle a tres faim", "nous sommes la"];

    [Theory]
    [InlineData(BleuSmoothing.Exponential, null, 20.69746683523106, 76.92307692307692, 44.44444444444444, 10.0, 25.0)]
    [InlineData(BleuSmoothing.None, null, 0.0, 76.92307692307692, 44.44444444444444, 0.0, 0.0)]
    [InlineData(BleuSmoothing.Floor, null, 11.007525294696428, 76.92307692307692, 44.44444444444444, 2.0, 10.0)]
    [InlineData(BleuSmoothing.AddK, null, 28.80215692794181, 76.92307692307692, 50.0, 16.666666666666668, 50.0)]
    public void Matches_sacrebleu_on_short_translations(BleuSmoothing smoothing, double? smoothValue, double expected, double p1, double p2, double p3, double p4)
    {
        var score = Bleu.Corpus(Hypotheses, References, smoothing, smoothValue);

        Assert.Equal(expected, score.Score, Digits);
        Assert.Equal(p1, score.Precisions[0], Digits);
        Assert.Equal(p2, score.Precisions[1], Digits);
        Assert.Equal(p3, score.Precisions[2], Digits);
        Assert.Equal(p4, score.Precisions[3], Digits);
        Assert.Equal(0.6807123983233854, score.BrevityPenalty, Digits);
        Assert.Equal(13, score.SystemLength);
        Assert.Equal(18, score.ReferenceLength);
        Assert.Equal([10L, 4L, 0L, 0L], score.Matches);
        Assert.Equal([13L, 9L, 5L, 1L], score.Totals);
    }

    [Theory]
    [InlineData(BleuSmoothing.Floor, 0.5, 24.61357482298963)]
    [InlineData(BleuSmoothing.AddK, 0.25, 16.396165648433755)]
    public void Matches_sacrebleu_with_a_smoothing_value(BleuSmoothing smoothing, double smoothValue, double expected)
    {
        Assert.Equal(expected, Bleu.Corpus(Hypotheses, References, smoothing, smoothValue).Score, Digits);
    }

    [Fact]
    public void Matches_sacrebleu_on_a_mostly_right_corpus()
    {
        string[] hypotheses =
        [
            "je suis tres content", "il est en retard !", "nous sommes fatigues", "elle est plus grande que moi",
            "tu es tres gentil", "je ne suis pas ton ami", "c est un bon professeur",
        ];
        string[] references =
        [
            "je suis tres heureux", "il est en retard !", "nous sommes epuises", "elle est plus grande que moi",
            "vous etes tres gentil", "je ne suis pas votre amie", "il est un bon professeur",
        ];

        var score = Bleu.Corpus(hypotheses, references);

        Assert.Equal(67.86502681586727, score.Score, Digits);
        Assert.Equal([26L, 19L, 12L, 7L], score.Matches);
        Assert.Equal([33L, 26L, 19L, 12L], score.Totals);
        Assert.Equal(1.0, score.BrevityPenalty);
        Assert.Equal(69.50985902922828, Bleu.Corpus(hypotheses, references, BleuSmoothing.AddK).Score, Digits);
    }

    [Theory]
    [InlineData(BleuSmoothing.Exponential, 7.809849842300637)]
    [InlineData(BleuSmoothing.None, 0.0)]
    [InlineData(BleuSmoothing.Floor, 3.9281465090051304)]
    [InlineData(BleuSmoothing.AddK, 19.20561263749893)]
    public void Matches_sacrebleu_on_the_papers_example(BleuSmoothing smoothing, double expected)
    {
        Assert.Equal(expected, Bleu.Corpus(["the the the the the the the"], ["the cat is on the mat"], smoothing).Score, Digits);
    }

    [Fact]
    public void Matches_sacrebleu_when_a_hypothesis_is_empty()
    {
        // sacreBLEU: score 0.0, precisions [100, 100, 0, 0] (no 3-grams at all), BP 0.22313016014842982.
        var score = Bleu.Corpus(["", "a b"], ["a b c", "a b"]);

        Assert.Equal(0.0, score.Score);
        Assert.Equal([100.0, 100.0, 0.0, 0.0], score.Precisions);
        Assert.Equal(0.22313016014842982, score.BrevityPenalty, Digits);

        // add-k gives the missing orders k n-grams and k matches, so they are no longer empty.
        Assert.Equal(22.31301601484299, Bleu.Corpus(["", "a b"], ["a b c", "a b"], BleuSmoothing.AddK).Score, Digits);
    }
}
