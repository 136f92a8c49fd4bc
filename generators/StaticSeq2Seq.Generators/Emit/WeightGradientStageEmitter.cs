using System.Linq;
using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the weight gradients over all steps (<see cref="WeightGradientStageRule"/>'s sites). Where the rule applies,
/// each is a function that adds the gradient or keeps its rows in a <c>WeightGradientStage</c>, the backward functions
/// that reach one take the stage, and the model gets the public members that stage a pair's rows and add a stage's rows
/// in one pass per weight; otherwise each site calls its kernel in place.
/// </summary>
internal static class WeightGradientStageEmitter
{
    /// <summary>The stage parameter of a backward function that reaches a weight gradient, after <c>g</c>; null adds at once.</summary>
    public static string Parameter(ModelShape shape) => WeightGradientStageRule.Applies(shape) ? ", global::StaticSeq2Seq.WeightGradientStage? stage" : "";

    /// <summary>The stage argument of a call to such a function, after <c>g</c>.</summary>
    public static string Argument(ModelShape shape) => WeightGradientStageRule.Applies(shape) ? ", stage" : "";

    /// <summary>The statement that adds, or stages, the weight gradient <paramref name="name"/> from the rows <paramref name="x"/> and <paramref name="dy"/>.</summary>
    public static string Call(ModelShape shape, string name, string x, string dy, string rows)
    {
        if (WeightGradientStageRule.Applies(shape))
        {
            return $"{name}WeightGradients(g, stage, {x}, {dy}, {rows});";
        }
        var site = WeightGradientStageRule.Sites(shape).Single(s => s.Name == name);
        return $"DenseKernels.{StepsKernelEmitter.WeightBackwardName(site.Kernel)}({Gradients(site)}, {x}, {dy}, {rows});";
    }

    /// <summary>One function per weight gradient over all steps, each after a blank line.</summary>
    public static void EmitSites(CodeWriter w, ModelPlan plan)
    {
        foreach (var site in WeightGradientStageRule.Sites(plan.Shape))
        {
            w.Line();
            var bias = site.BiasTensor is null ? "" : " and db += Σ_t dy_t";
            w.Line($"/// <summary>dW += Σ_t x_t dy_t^T{bias} over the <paramref name=\"rows\"/> rows of {site.Description}, or, with a <paramref name=\"stage\"/>, those rows kept there for <see cref=\"AddStagedWeightGradients\"/>.</summary>");
            using (w.Block($"private static void {site.Name}WeightGradients(Span<float> g{Parameter(plan.Shape)}, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int rows)"))
            {
                using (w.Block("if (stage is null)"))
                {
                    w.Line($"DenseKernels.{StepsKernelEmitter.WeightBackwardName(site.Kernel)}({Gradients(site)}, x, dy, rows);");
                }
                using (w.Block("else"))
                {
                    w.Line($"stage.Keep(Staged{site.Name}InputsOffset, Staged{site.Name}OutputGradientsOffset, x, dy, rows, overSource: {(site.OverSource ? "true" : "false")});");
                }
            }
        }
    }

    /// <summary>The model's members that make a stage, stage a pair's rows and add a stage's rows; each after a blank line.</summary>
    public static void EmitPublicMembers(CodeWriter w, ModelPlan plan)
    {
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public global::StaticSeq2Seq.WeightGradientStage CreateWeightGradientStage() => new(typeof({plan.TypeName}), StagedFloats);");
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void BackwardStaged(global::StaticSeq2Seq.Seq2SeqWorkspace workspace, Span<float> gradients, float lossScale, global::StaticSeq2Seq.WeightGradientStage stage)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckStage(stage, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckStageRoom(stage);");
            w.Line("BackwardPass(workspace, gradients, lossScale, stage);");
            w.Line("stage.EndPair(workspace.DecoderSteps, workspace.SourceLength);");
        }
        w.Line();
        w.Line("/// <inheritdoc/>");
        using (w.Block("public void AddStagedWeightGradients(global::StaticSeq2Seq.WeightGradientStage stage, Span<float> gradients)"))
        {
            w.Line($"global::StaticSeq2Seq.ModelInputGuard.CheckStage(stage, typeof({plan.TypeName}));");
            w.Line("global::StaticSeq2Seq.ModelInputGuard.CheckLength(gradients.Length, ParameterCount, nameof(gradients));");
            w.Line("Span<float> g = gradients;");
            w.Line("ReadOnlySpan<float> s = stage.Floats;");
            w.Line("int steps = stage.DecoderRows, positions = stage.SourceRows;");
            w.Line("// Each weight's rows of every staged pair, in the order the pairs were staged: one pass over its gradient.");
            foreach (var site in WeightGradientStageRule.Sites(plan.Shape))
            {
                var rows = site.OverSource ? "positions" : "steps";
                w.Line($"{site.Name}WeightGradients(g, null, s.Slice(Staged{site.Name}InputsOffset, {rows} * {site.Kernel.In}), s.Slice(Staged{site.Name}OutputGradientsOffset, {rows} * {site.Kernel.Out}), {rows});");
            }
            w.Line("stage.Clear();");
        }
    }

    private static string Gradients(WeightGradientSite site) =>
        site.BiasTensor is null ? $"g.Slice({site.WeightSlice})" : $"g.Slice({site.WeightSlice}), {Slices.Gradient(site.BiasTensor)}";
}
