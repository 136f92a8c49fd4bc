using System.Globalization;
using System.Linq;
using System.Text;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>Emits the model's constants, its parameter layout table and storage, and its workspace factory.</summary>
internal static class ShapeEmitter
{
    /// <summary>The class's documentation: an architecture explanation a reader can check against the attribute.</summary>
    public static string ClassHeader(ModelPlan plan)
    {
        var s = plan.Shape;
        var cell = s.Cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "RNN (tanh)",
        };
        var state = s.Cell == CellKind.Lstm ? "zero h and c" : "a zero state";
        var finalState = s.Cell == CellKind.Lstm ? "final (h, c)" : "final state";
        var layers = s.Layers == 1 ? "1 layer" : $"{s.Layers} layers";
        var text = new StringBuilder();
        text.Append("/// <remarks>\n");
        text.Append("/// <para>Architecture explanation:</para>\n");
        text.Append("/// <code>\n");
        text.Append($"/// ○ Source embedding: {s.SourceVocabularySize} tokens → E = {s.EmbeddingSize}\n");
        if (s.BidirectionalEncoder)
        {
            text.Append($"/// ○ Encoder: bidirectional {cell}, {layers}, H = {s.HiddenSize} each way, up to {s.MaxSourceLength} steps, from {state}; the reverse direction starts at the last real token{(s.Layers > 1 ? ", layers above the first read [forward ; reverse] (2H)" : "")}\n");
            text.Append($"/// ○ Bridge: the directions are summed: encoder output k_j = forward_j + reverse_j (H), decoder layer l starts from forward {finalState} + reverse {finalState} of layer l\n");
            text.Append($"/// ○ Decoder: {cell}, {layers}, H = {s.HiddenSize}, started from the bridge\n");
        }
        else
        {
            text.Append($"/// ○ Encoder: {cell}, {layers}, H = {s.HiddenSize}, up to {s.MaxSourceLength} steps, from {state}\n");
            text.Append($"/// ○ Decoder: {cell}, {layers}, H = {s.HiddenSize}, started from the encoder's {finalState} of each layer\n");
        }
        text.Append($"/// ○ Target embedding: {s.TargetVocabularySize} tokens → E = {s.EmbeddingSize}; decoder input SOS, then the previous token\n");
        var attention = s.Attention switch
        {
            AttentionKind.Bahdanau => "/// ○ Attention: Bahdanau (additive) over the encoder's top-layer states, from the decoder's previous top state; layer 0 reads [embedding ; context]\n",
            AttentionKind.LuongDot => "/// ○ Attention: Luong (dot) over the encoder's top-layer states, from the decoder's new top state; output reads tanh(W_c [context ; h] + b_c)\n",
            AttentionKind.LuongGeneral => "/// ○ Attention: Luong (general) over the encoder's top-layer states, from the decoder's new top state; output reads tanh(W_c [context ; h] + b_c)\n",
            _ => "",
        };
        text.Append(s.BidirectionalEncoder ? attention.Replace("the encoder's top-layer states", "the encoder outputs k_j") : attention);
        text.Append($"/// ○ Output: Linear H = {s.HiddenSize} → {s.TargetVocabularySize}, softmax; up to {s.MaxTargetLength} tokens and EOS\n");
        text.Append($"/// ○ {Count(plan.ParameterCount)} parameter floats ({Kib(plan.ParameterCount)} KiB), workspace {Count(plan.WorkspaceFloats)} floats ({Kib(plan.WorkspaceFloats)} KiB)\n");
        text.Append("/// </code>\n");
        text.Append("/// </remarks>\n");
        text.Append($"[global::System.CodeDom.Compiler.GeneratedCode(\"StaticSeq2Seq\", \"{ModelEmitter.Version}\")]\n");
        return text.ToString();
    }

    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        var s = plan.Shape;
        w.Line("/// <summary>Source tokens, special tokens included.</summary>");
        w.Line($"public const int SourceVocabularySize = {s.SourceVocabularySize};");
        w.Line("/// <summary>Target tokens, special tokens included.</summary>");
        w.Line($"public const int TargetVocabularySize = {s.TargetVocabularySize};");
        w.Line("/// <summary>Embedding width, E.</summary>");
        w.Line($"public const int EmbeddingSize = {s.EmbeddingSize};");
        w.Line("/// <summary>Hidden state width of every layer, H.</summary>");
        w.Line($"public const int HiddenSize = {s.HiddenSize};");
        w.Line("/// <summary>Rows of each layer's gate pre-activations, G.</summary>");
        var gateSize = s.Cell switch
        {
            CellKind.Lstm => "4 * HiddenSize",
            CellKind.Gru => "3 * HiddenSize",
            _ => "HiddenSize",
        };
        w.Line($"public const int GateSize = {gateSize};");
        w.Line("/// <summary>Stacked layers in the encoder and in the decoder.</summary>");
        w.Line($"public const int Layers = {s.Layers};");
        w.Line("/// <summary>Longest source, in tokens.</summary>");
        w.Line($"public const int MaxSourceLength = {s.MaxSourceLength};");
        w.Line("/// <summary>Longest target, in tokens, EOS not counted.</summary>");
        w.Line($"public const int MaxTargetLength = {s.MaxTargetLength};");
        w.Line("/// <summary>Floats in the flat parameter buffer, alignment padding included.</summary>");
        w.Line($"public const int ParameterCount = {plan.ParameterCount};");
        w.Line("/// <summary>Floats of activations a workspace holds.</summary>");
        w.Line($"public const int WorkspaceFloats = {plan.WorkspaceFloats};");
        w.Line("/// <summary>Token ids a workspace holds.</summary>");
        w.Line($"public const int WorkspaceTokens = {plan.WorkspaceTokens};");
        if (s.HasAttention)
        {
            w.Line("/// <summary>How the decoder attends to the encoder's states.</summary>");
            w.Line($"public const global::StaticSeq2Seq.AttentionKind Attention = global::StaticSeq2Seq.AttentionKind.{s.Attention};");
        }
        if (s.BidirectionalEncoder)
        {
            w.Line("/// <summary>Each encoder layer reads the source forwards and backwards; the directions are summed for attention and the decoder's initial state.</summary>");
            w.Line("public const bool BidirectionalEncoder = true;");
        }
        if (s.Attention == AttentionKind.Bahdanau)
        {
            w.Line("/// <summary>Width of the decoder's layer-0 input, [embedding ; context]: E + H.</summary>");
            w.Line("public const int DecoderInputSize = EmbeddingSize + HiddenSize;");
        }
        w.Line();
        w.Line("// Parameter tensors: offset (floats, a multiple of 16 so each starts on a cache line) and length.");
        foreach (var tensor in plan.Tensors)
        {
            w.Line($"// {tensor.Name}: {tensor.Description}");
            w.Line($"private const int {tensor.Identifier}Offset = {tensor.Offset}, {tensor.Identifier}Length = {tensor.Length};");
        }
        w.Line();
        w.Line("// Workspace activations: offset (floats) of each buffer.");
        foreach (var buffer in plan.Buffers)
        {
            w.Line($"private const int {buffer.Identifier}Offset = {buffer.Offset}; // {buffer.Description}");
        }
        w.Line();
        w.Line("// Workspace tokens: offset of each buffer.");
        foreach (var buffer in plan.TokenBuffers)
        {
            w.Line($"private const int {buffer.Identifier}Offset = {buffer.Offset}; // {buffer.Description}");
        }
        if (plan.StagedFloats > 0)
        {
            w.Line();
            w.Line("// Weight-gradient stage: its length and the offset (floats) of each buffer, for WeightGradientStage.PairCapacity pairs of the longest sequences.");
            w.Line($"private const int StagedFloats = {plan.StagedFloats};");
            foreach (var buffer in plan.StagedBuffers)
            {
                w.Line($"private const int {buffer.Identifier}Offset = {buffer.Offset}; // {buffer.Description}");
            }
        }
        w.Line();
        EmitLayoutTable(w, plan);
        w.Line();
        w.Line($"private static readonly global::StaticSeq2Seq.ModelShape DeclaredShape = new({s.SourceVocabularySize}, {s.TargetVocabularySize}, {s.EmbeddingSize}, {s.HiddenSize}, {s.Layers}, global::StaticSeq2Seq.RecurrentCell.{s.Cell}, {s.MaxSourceLength}, {s.MaxTargetLength}{(s.HasAttention || s.BidirectionalEncoder ? $", global::StaticSeq2Seq.AttentionKind.{s.Attention}" : "")}{(s.BidirectionalEncoder ? ", BidirectionalEncoder: true" : "")});");
        w.Line();
        w.Line("private readonly global::StaticSeq2Seq.Parameters.AlignedBuffer parameterBuffer = new(ParameterCount);");
        w.Line();
        ParameterVersionEmitter.Emit(w, plan);
        w.Line("/// <inheritdoc/>");
        w.Line("public global::StaticSeq2Seq.ModelShape Shape => DeclaredShape;");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line("public global::StaticSeq2Seq.Parameters.ParameterLayout Layout => LayoutTable;");
        w.Line();
        var invalidate = ParameterVersionEmitter.InvalidationCall(plan);
        w.Line("/// <inheritdoc/>");
        w.Line(invalidate.Length == 0
            ? "public Span<float> Parameters => parameterBuffer.Span;"
            : $"public Span<float> Parameters {{ get {{ {invalidate}return parameterBuffer.Span; }} }}");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line(invalidate.Length == 0
            ? "public void InitializeParameters(ulong seed) => LayoutTable.Initialize(parameterBuffer.Span, seed);"
            : $"public void InitializeParameters(ulong seed) {{ {invalidate}LayoutTable.Initialize(parameterBuffer.Span, seed); }}");
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public global::StaticSeq2Seq.Seq2SeqWorkspace CreateWorkspace() => new(typeof({plan.TypeName}), WorkspaceFloats, WorkspaceTokens);");
    }

    private static void EmitLayoutTable(CodeWriter w, ModelPlan plan)
    {
        w.Line("/// <summary>Names and shapes as the equivalent PyTorch module's state dict, so weights move both ways.</summary>");
        w.Line("private static readonly global::StaticSeq2Seq.Parameters.ParameterLayout LayoutTable = new(");
        w.Indent();
        w.Line("global::System.Collections.Immutable.ImmutableArray.Create(");
        w.Indent();
        var tensors = plan.Tensors.ToArray();
        for (var i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            var shape = t.Columns == 0 ? $"{t.Rows}" : $"{t.Rows}, {t.Columns}";
            var init = t.NormalInit ? "global::StaticSeq2Seq.Parameters.ParameterInit.Normal, 0f" : $"global::StaticSeq2Seq.Parameters.ParameterInit.Uniform, {Float(t.InitBound)}";
            var separator = i == tensors.Length - 1 ? ")," : ",";
            w.Line($"new global::StaticSeq2Seq.Parameters.ParameterTensor(\"{t.Name}\", {t.Identifier}Offset, global::System.Collections.Immutable.ImmutableArray.Create({shape}), {(t.Transposed ? "true" : "false")}, {init}){separator}");
        }
        w.Outdent();
        w.Line("ParameterCount);");
        w.Outdent();
    }

    private static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Kib(int floats) => (floats * 4.0 / 1024).ToString("N1", CultureInfo.InvariantCulture);
}
