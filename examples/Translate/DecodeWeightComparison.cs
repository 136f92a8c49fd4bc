using StaticSeq2Seq;
using StaticSeq2Seq.Data;

namespace Translate;

/// <summary>
/// How far decoding with bfloat16 or int8 weights strays from decoding with the float weights of the same parameters: the
/// greedy outputs compared sentence by sentence and position by position (a position past a sentence's end counts as
/// EOS), and the logits of both along the float model's greedy path (SOS, then its tokens), so every step of both
/// sees the same history.
/// </summary>
/// <param name="Sentences">Sentences decoded.</param>
/// <param name="Identical">Sentences whose greedy outputs are the same.</param>
/// <param name="Positions">Token positions compared.</param>
/// <param name="Agreeing">Positions holding the same token.</param>
/// <param name="MaxLogitDifference">The largest |logit difference| along the float greedy paths.</param>
/// <param name="MeanLogitDifference">The mean |logit difference| there.</param>
/// <param name="MaxLogit">The largest |logit| of the float model there, for scale.</param>
internal sealed record DecodeWeightComparison(
    int Sentences, int Identical, int Positions, int Agreeing, double MaxLogitDifference, double MeanLogitDifference, double MaxLogit)
{
    public static DecodeWeightComparison Measure(ISeq2SeqModel reference, ISeq2SeqModel compared, IReadOnlyList<SequencePair> validation)
    {
        var shape = reference.Shape;
        var referenceWorkspace = reference.CreateWorkspace();
        var comparedWorkspace = compared.CreateWorkspace();
        var referenceOutput = new int[shape.MaxTargetLength];
        var comparedOutput = new int[shape.MaxTargetLength];
        var referenceState = new float[reference.DecoderStateSize];
        var referenceNext = new float[reference.DecoderStateSize];
        var comparedState = new float[compared.DecoderStateSize];
        var comparedNext = new float[compared.DecoderStateSize];
        var referenceLogits = new float[shape.TargetVocabularySize];
        var comparedLogits = new float[shape.TargetVocabularySize];
        int identical = 0, positions = 0, agreeing = 0;
        long logitCount = 0;
        double maxDifference = 0, sumDifference = 0, maxLogit = 0;
        foreach (var pair in validation)
        {
            var referenceLength = reference.DecodeGreedy(referenceWorkspace, pair.Source, referenceOutput);
            var comparedLength = compared.DecodeGreedy(comparedWorkspace, pair.Source, comparedOutput);
            // Both outputs with their EOS, where there was room for one.
            var compareLength = Math.Min(Math.Max(referenceLength, comparedLength) + 1, shape.MaxTargetLength);
            var same = true;
            for (var i = 0; i < compareLength; i++)
            {
                var equal = TokenAt(referenceOutput, referenceLength, i) == TokenAt(comparedOutput, comparedLength, i);
                agreeing += equal ? 1 : 0;
                same &= equal;
            }
            positions += compareLength;
            identical += same ? 1 : 0;

            reference.BeginDecode(referenceWorkspace, pair.Source, referenceState);
            compared.BeginDecode(comparedWorkspace, pair.Source, comparedState);
            var token = SpecialTokens.Sos;
            for (var i = 0; i < Math.Min(referenceLength + 1, shape.MaxTargetLength); i++)
            {
                reference.DecodeStep(referenceWorkspace, referenceState, token, referenceNext, referenceLogits);
                compared.DecodeStep(comparedWorkspace, comparedState, token, comparedNext, comparedLogits);
                for (var v = 0; v < referenceLogits.Length; v++)
                {
                    var difference = Math.Abs((double)referenceLogits[v] - comparedLogits[v]);
                    maxDifference = Math.Max(maxDifference, difference);
                    sumDifference += difference;
                    maxLogit = Math.Max(maxLogit, Math.Abs(referenceLogits[v]));
                }
                logitCount += referenceLogits.Length;
                (referenceState, referenceNext) = (referenceNext, referenceState);
                (comparedState, comparedNext) = (comparedNext, comparedState);
                token = TokenAt(referenceOutput, referenceLength, i);
            }
        }
        return new DecodeWeightComparison(validation.Count, identical, positions, agreeing, maxDifference, sumDifference / Math.Max(1, logitCount), maxLogit);
    }

    public void Write(TextWriter output, DecodeWeightFormat format)
    {
        output.WriteLine($"{format} against Float32 decode weights: greedy outputs identical for {Identical:N0} of {Sentences:N0} sentences ({(double)Identical / Sentences:P1}), " +
                         $"tokens agreeing at {Agreeing:N0} of {Positions:N0} positions ({(double)Agreeing / Positions:P2});");
        output.WriteLine($"  logits along the float greedy paths differ by at most {MaxLogitDifference:G3} (mean {MeanLogitDifference:G3}; the largest |logit| is {MaxLogit:G3}).");
    }

    private static int TokenAt(int[] output, int length, int i) => i < length ? output[i] : SpecialTokens.Eos;
}
