using StaticSeq2Seq;
using StaticSeq2Seq.Data;
using StaticSeq2Seq.Decoding;
using StaticSeq2Seq.Metrics;
using StaticSeq2Seq.Training;

namespace Translate;

/// <summary>
/// The validation figures: the loss, then greedy and beam decodes of every source scored by corpus BLEU and exact
/// match against the one reference each pair has.
/// </summary>
internal sealed class ValidationReport
{
    public const float LengthPenalty = 0.6f;

    private ValidationReport(
        int beamWidth, LossSummary loss, IReadOnlyList<IReadOnlyList<string>> references,
        IReadOnlyList<IReadOnlyList<string>> greedy, IReadOnlyList<IReadOnlyList<string>> beam)
    {
        BeamWidth = beamWidth;
        Loss = loss;
        References = references;
        Greedy = greedy;
        Beam = beam;
    }

    public int BeamWidth { get; }

    public LossSummary Loss { get; }

    public IReadOnlyList<IReadOnlyList<string>> References { get; }

    public IReadOnlyList<IReadOnlyList<string>> Greedy { get; }

    public IReadOnlyList<IReadOnlyList<string>> Beam { get; }

    public static ValidationReport Measure(
        ISeq2SeqModel model, Seq2SeqWorkspace workspace, IReadOnlyList<SequencePair> validation,
        IReadOnlyList<IReadOnlyList<string>> references, Vocabulary french, int beamWidth)
    {
        var loss = Evaluation.ValidationLoss(model, workspace, validation);
        var output = new int[model.Shape.MaxTargetLength];
        var beam = new BeamSearchDecoder(model, maxBeamWidth: beamWidth);
        var beamOptions = new BeamSearchOptions { BeamWidth = beamWidth, LengthPenalty = LengthPenalty };
        var greedyOutputs = new List<IReadOnlyList<string>>(validation.Count);
        var beamOutputs = new List<IReadOnlyList<string>>(validation.Count);
        foreach (var pair in validation)
        {
            var length = model.DecodeGreedy(workspace, pair.Source, output);
            greedyOutputs.Add(Words(french, output.AsSpan(0, length)));
            beam.Decode(workspace, pair.Source, beamOptions);
            beamOutputs.Add(Words(french, beam.GetTokens(0)));
        }
        return new ValidationReport(beamWidth, loss, references, greedyOutputs, beamOutputs);
    }

    public void Write(TextWriter output)
    {
        var greedyBleu = Bleu.Corpus(Greedy, References);
        var beamBleu = Bleu.Corpus(Beam, References);
        var greedyExact = SequenceMetrics.ExactMatchRate(Greedy, References);
        var beamExact = SequenceMetrics.ExactMatchRate(Beam, References);
        output.WriteLine($"Validation ({References.Count:N0} pairs): loss {Loss.MeanPerPair:F3} per sentence, {Loss.MeanPerToken:F3} per token (perplexity {Loss.Perplexity:F2}).");
        output.WriteLine($"  greedy          BLEU {greedyBleu.Score,5:F1}  exact match {greedyExact,6:P1}   ({greedyBleu})");
        output.WriteLine($"  {$"beam {BeamWidth}, a = {LengthPenalty:0.0#}",-15}  BLEU {beamBleu.Score,5:F1}  exact match {beamExact,6:P1}   ({beamBleu})");
    }

    /// <summary>The words of <paramref name="ids"/> up to the first EOS.</summary>
    public static IReadOnlyList<string> Words(Vocabulary vocabulary, ReadOnlySpan<int> ids)
    {
        var words = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            if (id == SpecialTokens.Eos)
            {
                break;
            }
            words.Add(vocabulary.GetToken(id));
        }
        return words;
    }
}
