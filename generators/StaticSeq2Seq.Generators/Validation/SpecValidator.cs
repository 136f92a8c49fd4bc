using System.Collections.Generic;
using System.Globalization;
using System.Collections.Immutable;
using StaticSeq2Seq.Generators.Diagnostics;
using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Planning;

namespace StaticSeq2Seq.Generators.Validation;

/// <summary>
/// Decides whether a declaration can be generated. The analyzer reports every problem found here at the
/// offending argument; the generator only asks whether there are any and emits nothing if so.
/// </summary>
internal static class SpecValidator
{
    // Defaults mirror Seq2SeqModelAttribute's property initialisers in the runtime.
    public const int DefaultEmbeddingSize = 64;
    public const int DefaultHiddenSize = 128;
    public const int DefaultLayers = 1;
    public const int DefaultCell = (int)CellKind.Gru;
    public const int DefaultMaxLength = 32;

    public static ImmutableArray<SpecProblem> Validate(ModelSpec spec)
    {
        var problems = new List<SpecProblem>();
        var facts = spec.Class;
        if (!facts.IsPartial)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ClassNotPartial, null, [spec.ClassName]));
        }
        if (facts.IsNested)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ClassNested, null, [spec.ClassName]));
        }
        if (facts.IsGeneric)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ClassGeneric, null, [spec.ClassName]));
        }
        if (facts.IsStatic)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ClassStatic, null, [spec.ClassName]));
        }

        var arguments = spec.Arguments;
        CheckRequired(problems, "SourceVocabularySize", arguments.SourceVocabularySize, arguments);
        CheckRequired(problems, "TargetVocabularySize", arguments.TargetVocabularySize, arguments);
        CheckRange(problems, "SourceVocabularySize", arguments.SourceVocabularySize, Limits.MinVocabularySize, Limits.MaxVocabularySize, Limits.VocabularyReason);
        CheckRange(problems, "TargetVocabularySize", arguments.TargetVocabularySize, Limits.MinVocabularySize, Limits.MaxVocabularySize, Limits.VocabularyReason);
        CheckRange(problems, "EmbeddingSize", arguments.EmbeddingSize, 1, Limits.MaxWidth, Limits.WidthReason);
        CheckRange(problems, "HiddenSize", arguments.HiddenSize, 1, Limits.MaxWidth, Limits.WidthReason);
        CheckRange(problems, "Layers", arguments.Layers, 1, Limits.MaxLayers, Limits.LayersReason);
        CheckRange(problems, "MaxSourceLength", arguments.MaxSourceLength, 1, Limits.MaxSequenceLength, Limits.LengthReason);
        CheckRange(problems, "MaxTargetLength", arguments.MaxTargetLength, 1, Limits.MaxSequenceLength, Limits.LengthReason);
        if (arguments.Cell is { } cell && cell is not ((int)CellKind.Rnn or (int)CellKind.Gru or (int)CellKind.Lstm))
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.UnknownCell, "Cell", [cell]));
        }
        if (arguments.Attention is { } attention && attention is not ((int)AttentionKind.None or (int)AttentionKind.LuongDot or (int)AttentionKind.LuongGeneral or (int)AttentionKind.Bahdanau))
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.UnknownAttention, "Attention", [attention]));
        }
        if (arguments.DecodeWeights is { } format && format is not ((int)DecodeWeightFormat.Float32 or (int)DecodeWeightFormat.BFloat16 or (int)DecodeWeightFormat.Int8 or (int)DecodeWeightFormat.Int8Dynamic))
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.UnknownDecodeWeightFormat, "DecodeWeights", [format]));
        }

        // The size depends on every argument; with one missing or unreadable there is nothing to measure.
        if (problems.Count == 0 && arguments.Unreadable.Length == 0)
        {
            var shape = Resolve(arguments);
            CheckSize(problems, shape);
            if (problems.Count == 0)
            {
                var plan = Planner.Plan(spec, shape);
                if (GeneratedMemberNames.Find(plan) is { } clash)
                {
                    problems.Add(new SpecProblem(DiagnosticDescriptors.ClassNamedLikeMember, null, [spec.ClassName, clash]));
                }
                else if (HiddenNames.Find(plan) is { } hidden)
                {
                    problems.Add(new SpecProblem(DiagnosticDescriptors.NameHidesGeneratedUse, null, [hidden.Name, hidden.Owner, hidden.Use]));
                }
            }
        }
        return problems.ToImmutableArray();
    }

    /// <summary>The shape of a declaration that <see cref="Validate"/> found no problem with.</summary>
    public static ModelShape Resolve(ModelArguments arguments) => new(
        arguments.SourceVocabularySize ?? 0,
        arguments.TargetVocabularySize ?? 0,
        arguments.EmbeddingSize ?? DefaultEmbeddingSize,
        arguments.HiddenSize ?? DefaultHiddenSize,
        arguments.Layers ?? DefaultLayers,
        (CellKind)(arguments.Cell ?? DefaultCell),
        arguments.MaxSourceLength ?? DefaultMaxLength,
        arguments.MaxTargetLength ?? DefaultMaxLength,
        (AttentionKind)(arguments.Attention ?? (int)AttentionKind.None),
        arguments.BidirectionalEncoder ?? false,
        (DecodeWeightFormat)(arguments.DecodeWeights ?? (int)DecodeWeightFormat.Float32));

    private static void CheckRequired(List<SpecProblem> problems, string name, int? value, ModelArguments arguments)
    {
        if (value is null && !arguments.Unreadable.Contains(name))
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ArgumentMissing, name, [name, Limits.MinVocabularySize, Limits.MaxVocabularySize]));
        }
    }

    private static void CheckRange(List<SpecProblem> problems, string name, int? value, int min, int max, string reason)
    {
        if (value is { } v && (v < min || v > max))
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ArgumentOutOfRange, name, [name, v, min, max, reason]));
        }
    }

    private static void CheckSize(List<SpecProblem> problems, ModelShape shape)
    {
        var parameters = TensorCatalog.CountParameters(shape);
        if (parameters > Limits.MaxParameterCount)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ModelTooLarge, SpecProblem.WholeAttribute,
                ["parameters", Count(parameters), Count(Limits.MaxParameterCount), "the vocabulary sizes, EmbeddingSize, HiddenSize or Layers"]));
            return;
        }
        var workspace = WorkspaceCatalog.CountFloats(shape);
        if (workspace > Limits.MaxParameterCount)
        {
            problems.Add(new SpecProblem(DiagnosticDescriptors.ModelTooLarge, SpecProblem.WholeAttribute,
                ["activations", Count(workspace), Count(Limits.MaxParameterCount), "MaxTargetLength, MaxSourceLength or TargetVocabularySize"]));
        }
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
