using StaticSeq2Seq.Decoding;
using Xunit;
using StaticSeq2Seq.Tests.Models;

namespace StaticSeq2Seq.Tests.Decoding;

public class BeamSearchTests
{
    public static TheoryData<string> Models => new() { nameof(TinyGru), nameof(TinyGru2), nameof(TinyRnn2), nameof(TinyLstm2), nameof(WideGru) };

    private static ISeq2SeqModel Create(string name) => name switch
    {
        nameof(TinyGru) => new TinyGru(),
        nameof(TinyGru2) => new TinyGru2(),
        nameof(TinyRnn2) => new TinyRnn2(),
        nameof(TinyLstm2) => new TinyLstm2(),
        nameof(WideGru) => new WideGru(),
        nameof(TinyVocabGru) => new TinyVocabGru(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static int[] RandomSource(ISeq2SeqModel model, ref SeededRandom random)
    {
        var source = new int[1 + random.NextInt(model.Shape.MaxSourceLength)];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = random.NextInt(model.Shape.SourceVocabularySize);
        }
        return source;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_beam_of_width_one_decodes_exactly_as_greedy_decoding(string modelName)
    {
        var model = Create(modelName);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 1);
        var greedy = new int[model.Shape.MaxTargetLength];
        var random = new SeededRandom(5);
        for (var seed = 1UL; seed <= 4; seed++)
        {
            model.InitializeParameters(seed);
            for (var trial = 0; trial < 25; trial++)
            {
                var source = RandomSource(model, ref random);
                var length = model.DecodeGreedy(workspace, source, greedy);
                Assert.Equal(1, beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 1 }));
                Assert.Equal(greedy.AsSpan(0, length).ToArray(), beam.GetTokens(0).ToArray());
            }
        }
    }

    [Fact]
    public void The_beam_never_scores_below_greedy_and_never_above_the_exhaustive_best()
    {
        var model = new TinyVocabGru();
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 4);
        var greedyTokens = new int[TinyVocabGru.MaxTargetLength];
        var random = new SeededRandom(9);
        int cases = 0, beamFoundBest = 0, beamBeatGreedy = 0;
        foreach (var alpha in new[] { 0f, 0.6f, 1f })
        {
            for (var seed = 1UL; seed <= 12; seed++)
            {
                model.InitializeParameters(seed);
                for (var trial = 0; trial < 6; trial++)
                {
                    var source = RandomSource(model, ref random);
                    var all = ExhaustiveSearch.All(model, workspace, source);
                    var exhaustiveBest = all.Max(h => ExhaustiveSearch.LengthPenalized(h, alpha));

                    // Greedy's output is one of the enumerated hypotheses: it ended with EOS unless it ran out of room.
                    var length = model.DecodeGreedy(workspace, source, greedyTokens);
                    var greedy = all.Single(h => h.Tokens.AsSpan().SequenceEqual(greedyTokens.AsSpan(0, length))
                                                 && h.EndedWithEos == (length < TinyVocabGru.MaxTargetLength));
                    var greedyScore = ExhaustiveSearch.LengthPenalized(greedy, alpha);

                    beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 4, LengthPenalty = alpha });
                    var beamScore = beam.GetScore(0);

                    // The beam's score is the score of a real hypothesis: the enumeration must hold it.
                    var found = all.Where(h => h.Tokens.AsSpan().SequenceEqual(beam.GetTokens(0))).ToList();
                    Assert.Contains(found, h => Math.Abs(ExhaustiveSearch.LengthPenalized(h, alpha) - beamScore) < 1e-5);

                    Assert.True(beamScore >= greedyScore - 1e-6, $"α={alpha}, seed {seed}: beam {beamScore} below greedy {greedyScore}.");
                    Assert.True(beamScore <= exhaustiveBest + 1e-6, $"α={alpha}, seed {seed}: beam {beamScore} above the exhaustive best {exhaustiveBest}.");
                    cases++;
                    beamFoundBest += beamScore >= exhaustiveBest - 1e-6 ? 1 : 0;
                    beamBeatGreedy += beamScore > greedyScore + 1e-6 ? 1 : 0;
                }
            }
        }
        // Beam search is a heuristic: it need not find the best output (here it does in about three cases of four),
        // but across so many cases it must improve on greedy somewhere, or the comparison shows nothing.
        Assert.True(beamBeatGreedy > 0, $"Across {cases} cases the beam never improved on greedy (it found the exhaustive best {beamFoundBest} times).");
    }

    [Fact]
    public void N_best_hypotheses_come_best_first_with_log_probabilities_the_model_agrees_with()
    {
        var model = new TinyGru2();
        model.InitializeParameters(3);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 5);
        var count = beam.Decode(workspace, [4, 5, 6, 7], new BeamSearchOptions { BeamWidth = 5, NBest = 5, LengthPenalty = 0.6f });
        Assert.Equal(5, count);
        for (var rank = 0; rank < count; rank++)
        {
            if (rank > 0)
            {
                Assert.True(beam.GetScore(rank - 1) >= beam.GetScore(rank));
            }
            var tokens = beam.GetTokens(rank).ToArray();
            if (tokens.Length is > 0 and < TinyGru2.MaxTargetLength)
            {
                // Forward scores the same output with EOS appended: its loss is −log p.
                var loss = model.Forward(workspace, [4, 5, 6, 7], tokens);
                Assert.Equal(-loss, beam.GetLogProbability(rank), 4);
            }
        }
    }

    [Fact]
    public void Minimum_length_holds_back_eos_and_maximum_length_cuts_the_output()
    {
        var model = new TinyGru();
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 3);
        var random = new SeededRandom(2);
        for (var seed = 1UL; seed <= 5; seed++)
        {
            model.InitializeParameters(seed);
            var source = RandomSource(model, ref random);
            var count = beam.Decode(workspace, source, new BeamSearchOptions { BeamWidth = 3, NBest = 3, MinLength = 3, MaxLength = 4 });
            for (var rank = 0; rank < count; rank++)
            {
                Assert.InRange(beam.GetTokens(rank).Length, 3, 4);
            }
        }
    }

    [Fact]
    public void A_warm_beam_search_allocates_nothing()
    {
        var model = new WideGru();
        model.InitializeParameters(1);
        var workspace = model.CreateWorkspace();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 4);
        var options = new BeamSearchOptions { BeamWidth = 4, NBest = 2, LengthPenalty = 0.6f };
        int[] source = [5, 9, 13, 2, 7];
        for (var i = 0; i < 300; i++)
        {
            beam.Decode(workspace, source, options);
        }
        var allocated = long.MaxValue;
        for (var round = 0; round < 5 && allocated != 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                beam.Decode(workspace, source, options);
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Asking_for_a_wider_beam_than_prepared_is_refused_with_what_to_do()
    {
        var model = new TinyGru();
        var beam = new BeamSearchDecoder(model, maxBeamWidth: 2);
        var exception = Assert.Throws<ArgumentException>(() => beam.Decode(model.CreateWorkspace(), [4], new BeamSearchOptions { BeamWidth = 3 }));
        Assert.Contains("larger maximum", exception.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeamSearchDecoder(model, maxBeamWidth: TinyGru.TargetVocabularySize + 1));
    }
}
