using Microsoft.CodeAnalysis;

namespace StaticSeq2Seq.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the StaticSeq2Seq analyzer and generator report. Ids are stable: a retired id is never
/// reused, and a new one takes the next free number (see AnalyzerReleases.Shipped.md).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "StaticSeq2Seq";

    /// <summary>"The model class '{0}' must be declared partial so the generator can complete it"</summary>
    public static readonly DiagnosticDescriptor ClassNotPartial = new(
        id: "S2S0001",
        title: "Model class must be partial",
        messageFormat: "The model class '{0}' must be declared partial so the generator can complete it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The model class '{0}' is nested in another type; declare it at namespace level"</summary>
    public static readonly DiagnosticDescriptor ClassNested = new(
        id: "S2S0002",
        title: "Model class cannot be nested",
        messageFormat: "The model class '{0}' is nested in another type; declare it at namespace level",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The model class '{0}' is generic; a model's shape is fixed, so declare it without type parameters"</summary>
    public static readonly DiagnosticDescriptor ClassGeneric = new(
        id: "S2S0003",
        title: "Model class cannot be generic",
        messageFormat: "The model class '{0}' is generic; a model's shape is fixed, so declare it without type parameters",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The model class '{0}' is static; a model holds its parameters, so declare it as an instance class"</summary>
    public static readonly DiagnosticDescriptor ClassStatic = new(
        id: "S2S0004",
        title: "Model class cannot be static",
        messageFormat: "The model class '{0}' is static; a model holds its parameters, so declare it as an instance class",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"{0} is required: give the number of tokens, special tokens included ({1} to {2})"</summary>
    public static readonly DiagnosticDescriptor ArgumentMissing = new(
        id: "S2S0005",
        title: "Required model argument missing",
        messageFormat: "{0} is required: give the number of tokens, special tokens included ({1} to {2})",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"{0} is {1}, outside the allowed range {2} to {3} ({4})"</summary>
    public static readonly DiagnosticDescriptor ArgumentOutOfRange = new(
        id: "S2S0006",
        title: "Model argument out of range",
        messageFormat: "{0} is {1}, outside the allowed range {2} to {3} ({4})",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"Cell is {0}, which is not a RecurrentCell; use RecurrentCell.Rnn, RecurrentCell.Gru or RecurrentCell.Lstm"</summary>
    public static readonly DiagnosticDescriptor UnknownCell = new(
        id: "S2S0007",
        title: "Unknown recurrent cell",
        messageFormat: "Cell is {0}, which is not a RecurrentCell; use RecurrentCell.Rnn, RecurrentCell.Gru or RecurrentCell.Lstm",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The model's {0} need {1} floats, more than the {2} floats one int-indexed buffer can hold; reduce {3}"</summary>
    public static readonly DiagnosticDescriptor ModelTooLarge = new(
        id: "S2S0008",
        title: "Model too large",
        messageFormat: "The model's {0} need {1} floats, more than the {2} floats one int-indexed buffer can hold; reduce {3}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"Attention is {0}, which is not an AttentionKind; use AttentionKind.None, AttentionKind.LuongDot, AttentionKind.LuongGeneral or AttentionKind.Bahdanau"</summary>
    public static readonly DiagnosticDescriptor UnknownAttention = new(
        id: "S2S0009",
        title: "Unknown attention kind",
        messageFormat: "Attention is {0}, which is not an AttentionKind; use AttentionKind.None, AttentionKind.LuongDot, AttentionKind.LuongGeneral or AttentionKind.Bahdanau",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The model class '{0}' has the name of a member the generator adds to it ({0} is {1}); rename the class"</summary>
    public static readonly DiagnosticDescriptor ClassNamedLikeMember = new(
        id: "S2S0010",
        title: "Model class named like a generated member",
        messageFormat: "The model class '{0}' has the name of a member the generator adds to it (the {1} {0}), and a member cannot be named like its class; rename the class",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"The {1} name '{0}' hides what the model's generated code means by '{0}' (in {2}); rename the {1}"</summary>
    public static readonly DiagnosticDescriptor NameHidesGeneratedUse = new(
        id: "S2S0011",
        title: "Model class or namespace named like a type the generated code uses",
        messageFormat: "The {1} name '{0}' hides what the model's generated code means by '{0}' (in {2}), so that code would not compile; rename the {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"DecodeWeights is {0}, which is not a DecodeWeightFormat; use DecodeWeightFormat.Float32, DecodeWeightFormat.BFloat16, DecodeWeightFormat.Int8 or DecodeWeightFormat.Int8Dynamic"</summary>
    public static readonly DiagnosticDescriptor UnknownDecodeWeightFormat = new(
        id: "S2S0012",
        title: "Unknown decode weight format",
        messageFormat: "DecodeWeights is {0}, which is not a DecodeWeightFormat; use DecodeWeightFormat.Float32, DecodeWeightFormat.BFloat16, DecodeWeightFormat.Int8 or DecodeWeightFormat.Int8Dynamic",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>"StaticSeq2Seq could not generate '{0}': {1}. Please report this with the model's declaration."</summary>
    public static readonly DiagnosticDescriptor InternalError = new(
        id: "S2S9999",
        title: "Internal generator error",
        messageFormat: "StaticSeq2Seq could not generate '{0}': {1}. Please report this with the model's declaration.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
