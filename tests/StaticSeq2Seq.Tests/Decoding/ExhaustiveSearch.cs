using StaticSeq2Seq.Decoding;

namespace StaticSeq2Seq.Tests.Decoding;

/// <summary>
/// Every output a model can produce, scored by walking the decoder step by step: the ground truth a beam
/// search approximates. Written apart from <see cref="BeamSearchDecoder"/> and sharing nothing with it.
/// </summary>
internal static class ExhaustiveSearch
{
    public sealed record Hypothesis(int[] Tokens, double LogProbability, bool EndedWithEos);

    public static List<Hypothesis> All(ISeq2SeqModel model, Seq2SeqWorkspace workspace, int[] source)
    {
        var state = new float[model.DecoderStateSize];
        model.BeginDecode(workspace, source, state);
        var results = new List<Hypothesis>();
        Walk(model, workspace, state, SpecialTokens.Sos, [], 0.0, results);
        return results;
    }

    public static double LengthPenalized(Hypothesis hypothesis, double alpha) =>
        hypothesis.LogProbability / Math.Pow((5.0 + hypothesis.Tokens.Length) / 6.0, alpha);

    private static void Walk(ISeq2SeqModel model, Seq2SeqWorkspace workspace, float[] state, int token, List<int> prefix, double logProbability, List<Hypothesis> results)
    {
        if (prefix.Count == model.Shape.MaxTargetLength)
        {
            results.Add(new Hypothesis([.. prefix], logProbability, EndedWithEos: false));
            return;
        }
        var next = new float[state.Length];
        var logits = new float[model.Shape.TargetVocabularySize];
        model.DecodeStep(workspace, state, token, next, logits);
        var max = logits.Max();
        var logNormalizer = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        for (var v = 0; v < logits.Length; v++)
        {
            var total = logProbability + logits[v] - logNormalizer;
            if (v == SpecialTokens.Eos)
            {
                results.Add(new Hypothesis([.. prefix], total, EndedWithEos: true));
                continue;
            }
            prefix.Add(v);
            Walk(model, workspace, next, v, prefix, total, results);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
