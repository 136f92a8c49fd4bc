using StaticSeq2Seq.Data;
using StaticSeq2Seq.Visualization;

namespace Translate;

/// <summary>Attention heat maps of greedy decodes as SVG files.</summary>
internal static class AttentionMaps
{
    /// <summary>
    /// Decodes <paramref name="source"/> greedily and saves its heat map to <paramref name="path"/>: row t holds the weights
    /// over the source while writing token t (the last row is the step that wrote EOS).
    /// </summary>
    public static void Save(
        string path, Translator model, StaticSeq2Seq.Seq2SeqWorkspace workspace, int[] source, string sourceText,
        Vocabulary english, Vocabulary french)
    {
        var output = new int[Translator.MaxTargetLength];
        var length = model.DecodeGreedy(workspace, source, output);
        var steps = length < Translator.MaxTargetLength ? length + 1 : length;
        var weights = new float[steps * source.Length];
        for (var step = 0; step < steps; step++)
        {
            model.GetAttentionWeights(workspace, step).CopyTo(weights.AsSpan(step * source.Length, source.Length));
        }
        var sourceTokens = source.Select(english.GetToken).ToArray();
        var outputTokens = output.Take(length).Select(french.GetToken).ToList();
        if (steps > length)
        {
            outputTokens.Add(Vocabulary.EosToken);
        }
        AttentionHeatmap.Save(path, weights, sourceTokens, outputTokens, $"{sourceText} → {string.Join(' ', outputTokens.Take(length))}");
    }
}
