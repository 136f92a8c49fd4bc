using System.Collections.Generic;
using System.Linq;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Planning;

/// <summary>
/// Every weight gradient that gathers over all steps (the output projection's, each layer's W_ih and W_hh, the
/// attention's) reads and writes its whole dW once per call. Adding one pair at a time, a chunk of pairs passes over the
/// gradient buffer once per pair: M's is 6 MB, beyond L2, and two threads doing so share the bandwidth. The model can
/// instead copy each pair's rows (x and dy, a few KB) into a stage and add a chunk's rows in one call per weight. The
/// kernel sums its rows in order onto what dW held, so the staged rows of pairs 1..K in order give the bits of K calls.
/// </summary>
internal static class WeightGradientStageRule
{
    /// <summary>The runtime's <c>WeightGradientStage.PairCapacity</c>: the pairs one stage holds.</summary>
    public const int PairCapacity = 4;

    /// <summary>
    /// Half of a 1 MiB L2. Below it a pair's passes over the weight gradients stay in L2, and copying the rows costs more
    /// than it saves: configuration S (weight gradients of 160 KB) trained about 8 % slower staged.
    /// </summary>
    public const int BudgetBytes = 512 * 1024;

    /// <summary>
    /// True when the weight gradients over all steps together outgrow <see cref="BudgetBytes"/>, so a chunk stages their
    /// rows, and the stage's offsets fit the emitted int constants (a model of the largest vocabularies and lengths
    /// adds its weight gradients pair by pair instead).
    /// </summary>
    public static bool Applies(ModelShape shape)
    {
        var sites = Sites(shape);
        return sites.Sum(site => (long)site.Kernel.In * site.Kernel.Out) * sizeof(float) > BudgetBytes
            && Entries(sites, shape).Sum(entry => TensorCatalog.AlignUp(entry.Length)) <= Validation.Limits.MaxParameterCount;
    }

    public static IReadOnlyList<WeightGradientSite> Sites(ModelShape shape)
    {
        int e = shape.EmbeddingSize, h = shape.HiddenSize, g = shape.GateSize;
        var sites = new List<WeightGradientSite>
        {
            new("Output", new LinearKernelPlan(h, shape.TargetVocabularySize), Whole("OutputWeight"), "OutputBias", false,
                "the output projection's inputs and dL/dlogits"),
        };
        var sides = shape.BidirectionalEncoder
            ? new[] { ("Encoder", "Encoder", "", true), ("EncoderReverse", "Encoder", "Reverse", true), ("Decoder", "Decoder", "", false) }
            : new[] { ("Encoder", "Encoder", "", true), ("Decoder", "Decoder", "", false) };
        foreach (var (name, prefix, suffix, overSource) in sides)
        {
            for (var layer = 0; layer < shape.Layers; layer++)
            {
                var label = $"{prefix.ToLowerInvariant()} layer {layer}{(suffix.Length == 0 ? "" : " (reverse direction)")}";
                var embeddingRowsOnly = layer == 0 && !overSource && ContextRowsRule.Applies(shape);
                var inputs = shape.LayerInputSize(overSource, layer);
                var weightIh = $"{prefix}WeightIh{layer}{suffix}";
                sites.Add(new($"{name}Layer{layer}Ih", new LinearKernelPlan(embeddingRowsOnly ? e : inputs, g),
                    embeddingRowsOnly ? $"{weightIh}Offset, EmbeddingSize * GateSize" : Whole(weightIh), $"{prefix}BiasIh{layer}{suffix}", overSource,
                    embeddingRowsOnly ? $"{label}'s embedding inputs and gate gradients" : $"{label}'s inputs and gate gradients"));
                sites.Add(new($"{name}Layer{layer}Hh", new LinearKernelPlan(h, g),
                    Whole($"{prefix}WeightHh{layer}{suffix}"), $"{prefix}BiasHh{layer}{suffix}", overSource,
                    $"{label}'s states before each step and their gate gradients"));
            }
        }
        if (shape.Attention == AttentionKind.Bahdanau)
        {
            sites.Add(new("AttentionQueries", new LinearKernelPlan(h, h), Whole("AttentionWaWeight"), "AttentionWaBias", false,
                "the attention's queries and their gradients"));
        }
        if (shape.Attention is AttentionKind.Bahdanau or AttentionKind.LuongGeneral)
        {
            var bahdanau = shape.Attention == AttentionKind.Bahdanau;
            sites.Add(new("AttentionKeys", new LinearKernelPlan(h, h, HasBias: bahdanau), Whole(bahdanau ? "AttentionUaWeight" : "AttentionWaWeight"),
                bahdanau ? "AttentionUaBias" : null, true, "the encoder's outputs and their projected keys' gradients"));
        }
        foreach (var kernel in ContextRowsRule.Kernels(shape))
        {
            sites.Add(new("ContextRows", kernel, "DecoderWeightIh0Offset + EmbeddingSize * GateSize, HiddenSize * GateSize", null, true,
                "the encoder's outputs and the gradients of their context gates"));
        }
        return sites;
    }

    private static string Whole(string tensor) => $"{tensor}Offset, {tensor}Length";

    /// <summary>The stage's buffers: each site's inputs and output gradients, <see cref="PairCapacity"/> pairs of the longest sequences; none unless the rule applies.</summary>
    public static IReadOnlyList<WorkspaceCatalog.Entry> Floats(ModelShape shape) => Applies(shape) ? Entries(Sites(shape), shape) : [];

    private static List<WorkspaceCatalog.Entry> Entries(IReadOnlyList<WeightGradientSite> sites, ModelShape shape) =>
        sites.SelectMany(site =>
        {
            long rows = PairCapacity * (site.OverSource ? shape.MaxSourceLength : shape.MaxTargetLength + 1L);
            var unit = site.OverSource ? "source position" : "decoder step";
            return new[]
            {
                new WorkspaceCatalog.Entry($"Staged{site.Name}Inputs", rows * site.Kernel.In, $"{site.Description}: inputs, one row per staged {unit} ({rows}, {site.Kernel.In})"),
                new WorkspaceCatalog.Entry($"Staged{site.Name}OutputGradients", rows * site.Kernel.Out, $"output gradients, one row per staged {unit} ({rows}, {site.Kernel.Out})"),
            };
        }).ToList();
}
