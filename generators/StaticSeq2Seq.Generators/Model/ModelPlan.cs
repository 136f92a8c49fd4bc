using Microsoft.CodeAnalysis.CSharp;
using StaticSeq2Seq.Generators.Helpers;

namespace StaticSeq2Seq.Generators.Model;

/// <summary>
/// Everything the emitters need, decided once: the shape, where every parameter tensor and activation
/// buffer lives, and which fixed-shape kernels exist. Equatable, so an unchanged model is not re-emitted.
/// </summary>
/// <param name="Namespace">Namespace of the model class as C# spells it (keywords escaped), or null for the global namespace.</param>
/// <param name="ClassName">The model class, as metadata spells it.</param>
/// <param name="Keyword">How the class is declared: <c>class</c> or <c>record</c>.</param>
/// <param name="Shape">The validated shape.</param>
/// <param name="Tensors">Parameter tensors in buffer order.</param>
/// <param name="ParameterCount">Length of the flat parameter buffer, padding included.</param>
/// <param name="Buffers">Float activation buffers of the workspace.</param>
/// <param name="WorkspaceFloats">Length of the workspace's float memory.</param>
/// <param name="TokenBuffers">Int token buffers of the workspace.</param>
/// <param name="WorkspaceTokens">Length of the workspace's int memory.</param>
/// <param name="LinearKernels">Distinct (input, output) sizes of the dense layers, each one emitted kernel pair.</param>
/// <param name="ForwardOnlyKernels">Those of <paramref name="LinearKernels"/> whose per-step backward nothing calls.</param>
/// <param name="StepsKernels">Sizes that also get matrix-matrix kernels over every time step at once, forward and backward.</param>
/// <param name="StepsBackwardKernels">Sizes that get the weight gradient over all steps only: the recurrent layers', whose steps run one
/// after the other, forward and backward (dL/dx and dL/dh of each step), but whose weight gradients gather over all steps afterwards.</param>
/// <param name="StepsForwardKernels">Sizes that get the forward over several rows only: what decoding a whole beam in one call multiplies by (<c>DecoderStepsEmitter</c>) beyond <paramref name="StepsKernels"/>; empty when decoding reads narrowed weights.</param>
/// <param name="StepInputBackwardKernels">The recurrent layers' sizes, which get the input gradient of one step (dL/dx and dL/dh inside the recurrence).</param>
/// <param name="DecoderInputTable">Decoding reads the decoder's first-layer input product from a per-token table (<c>DecoderInputTableRule</c>).</param>
/// <param name="DecodeWeightTensors">Identifiers of the tensors decoding reads from a bfloat16 or int8 copy (<c>DecodeWeightsRule</c>); empty for float decoding.</param>
/// <param name="DecodeWeightKernels">Dense kernels also emitted with bfloat16 or int8 weights for those tensors.</param>
/// <param name="StagedBuffers">Float buffers of the weight-gradient stage (<c>WeightGradientStageRule</c>); empty when a chunk adds its pairs' weight gradients one by one.</param>
/// <param name="StagedFloats">Length of the stage's float memory.</param>
internal sealed record ModelPlan(
    string? Namespace,
    string ClassName,
    string Keyword,
    ModelShape Shape,
    EquatableArray<TensorPlan> Tensors,
    int ParameterCount,
    EquatableArray<BufferPlan> Buffers,
    int WorkspaceFloats,
    EquatableArray<BufferPlan> TokenBuffers,
    int WorkspaceTokens,
    EquatableArray<LinearKernelPlan> LinearKernels,
    EquatableArray<LinearKernelPlan> ForwardOnlyKernels,
    EquatableArray<LinearKernelPlan> StepsKernels,
    EquatableArray<LinearKernelPlan> StepsBackwardKernels,
    EquatableArray<LinearKernelPlan> StepsForwardKernels,
    EquatableArray<LinearKernelPlan> StepInputBackwardKernels,
    bool DecoderInputTable,
    EquatableArray<string> DecodeWeightTensors,
    EquatableArray<LinearKernelPlan> DecodeWeightKernels,
    EquatableArray<BufferPlan> StagedBuffers,
    int StagedFloats)
{
    /// <summary>
    /// The model keeps a version of its parameters, bumped whenever they are handed out for writing, because decoding
    /// reads something derived from them (the decoder's and encoder's input tables, the bfloat16 or int8 weights) that must then be rebuilt.
    /// </summary>
    public bool TracksParameterVersion => DecoderInputTable || Planning.EncoderInputTableRule.Applies(Shape) || Shape.DecodesFromCopy;

    /// <summary>
    /// The class name as C# source spells it: a keyword such as <c>event</c> needs its <c>@</c>; a name of lower-case ASCII
    /// letters only (the contextual keyword <c>partial</c>, or <c>model</c>) gets one too, since without it the compiler
    /// warns (CS8981) that such names may become keywords, in files the user cannot edit.
    /// </summary>
    public string TypeName => SyntaxFacts.GetKeywordKind(ClassName) != SyntaxKind.None || IsLowerCaseAscii(ClassName) ? "@" + ClassName : ClassName;

    private static bool IsLowerCaseAscii(string name)
    {
        foreach (var c in name)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The start of every hint name: <c>Namespace.Class</c> without <c>@</c>, which hint names may not hold.</summary>
    public string HintPrefix => Namespace is null ? ClassName : $"{Namespace.Replace("@", "")}.{ClassName}";
}

/// <summary>One parameter tensor.</summary>
/// <param name="Name">PyTorch state-dict name, such as <c>encoder.rnn.weight_ih_l0</c>.</param>
/// <param name="Identifier">C# name of its offset and length constants, such as <c>EncoderWeightIh0</c>.</param>
/// <param name="Offset">First float in the flat buffer (a multiple of 16).</param>
/// <param name="Rows">PyTorch's first dimension.</param>
/// <param name="Columns">PyTorch's second dimension, or 0 for a vector.</param>
/// <param name="Transposed">Stored column by column, as <c>W.T</c>, so one input's weights are contiguous.</param>
/// <param name="NormalInit">Initialised from N(0, 1) (embeddings) rather than uniformly.</param>
/// <param name="InitBound">Bound of the uniform initialisation.</param>
/// <param name="Description">What the tensor is, in the words of the emitted comment.</param>
internal sealed record TensorPlan(
    string Name,
    string Identifier,
    int Offset,
    int Rows,
    int Columns,
    bool Transposed,
    bool NormalInit,
    float InitBound,
    string Description)
{
    public int Length => Columns == 0 ? Rows : Rows * Columns;
}

/// <summary>One slice of the workspace.</summary>
/// <param name="Identifier">C# name of its offset constant.</param>
/// <param name="Offset">First element.</param>
/// <param name="Length">Elements.</param>
/// <param name="Description">What it holds and its shape.</param>
internal sealed record BufferPlan(string Identifier, int Offset, int Length, string Description);

/// <summary>A dense layer <c>y = W x + b</c> (or <c>y = W x</c> without <paramref name="HasBias"/>) with <c>W</c> of shape (Out, In), stored transposed.</summary>
internal sealed record LinearKernelPlan(int In, int Out, bool HasBias = true)
{
    public string ForwardName => HasBias ? $"Linear{In}x{Out}" : $"Linear{In}x{Out}NoBias";

    public string BackwardName => ForwardName + "Backward";

    /// <summary>The forward kernel with bfloat16 weights that decoding runs (<c>DecodeWeightFormat.BFloat16</c>).</summary>
    public string BFloat16ForwardName => ForwardName + "BFloat16";

    /// <summary>The forward kernel with int8 weights and per-output scales that decoding runs (<c>DecodeWeightFormat.Int8</c>).</summary>
    public string Int8ForwardName => ForwardName + "Int8";

    /// <summary>The forward kernel with packed int8 weights and int8 activations that decoding runs (<c>DecodeWeightFormat.Int8Dynamic</c>).</summary>
    public string Int8DynamicForwardName => ForwardName + "Int8Dynamic";
}
