using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticSeq2Seq.Generators.Helpers;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Parsing;

/// <summary>
/// Reads a <c>[Seq2SeqModel]</c> declaration into a <see cref="ModelSpec"/>. Shared by the generator and the
/// analyzer so both see the same arguments; nothing from the compilation survives into the spec.
/// </summary>
internal static class SpecParser
{
    public const string AttributeMetadataName = "StaticSeq2Seq.Seq2SeqModelAttribute";

    public static ModelSpec Parse(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        var facts = new ClassFacts(
            IsPartial: IsPartialEverywhere(type, cancellationToken),
            IsNested: type.ContainingType is not null,
            IsGeneric: type.IsGenericType,
            IsStatic: type.IsStatic);

        int? sourceVocabulary = null, targetVocabulary = null, embedding = null, hidden = null, layers = null, cell = null, maxSource = null, maxTarget = null, attention = null, decodeWeights = null;
        bool? bidirectional = null;
        var unreadable = new List<string>();
        var rejected = RejectedArguments(attribute, compilation, cancellationToken);
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "BidirectionalEncoder" && !rejected.Contains(argument.Key)
                && argument.Value.Kind == TypedConstantKind.Primitive && argument.Value.Value is bool flag)
            {
                bidirectional = flag;
                continue;
            }
            // A value the compiler rejects is already an error: remember the argument so validation adds no second one.
            // Roslyn may still hand such a value over converted (RecurrentCell.Lstm given for an int arrives as the int
            // 2), so the argument's own compiler errors decide, not only its value.
            if (rejected.Contains(argument.Key)
                || argument.Value.Kind is not (TypedConstantKind.Primitive or TypedConstantKind.Enum)
                || argument.Value.Value is not int value)
            {
                unreadable.Add(argument.Key);
                continue;
            }
            switch (argument.Key)
            {
                case "SourceVocabularySize": sourceVocabulary = value; break;
                case "TargetVocabularySize": targetVocabulary = value; break;
                case "EmbeddingSize": embedding = value; break;
                case "HiddenSize": hidden = value; break;
                case "Layers": layers = value; break;
                case "Cell": cell = value; break;
                case "MaxSourceLength": maxSource = value; break;
                case "MaxTargetLength": maxTarget = value; break;
                case "Attention": attention = value; break;
                case "DecodeWeights": decodeWeights = value; break;
            }
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : null;
        return new ModelSpec(ns, type.Name, type.IsRecord ? "record" : "class", facts,
            new ModelArguments(sourceVocabulary, targetVocabulary, embedding, hidden, layers, cell, maxSource, maxTarget, attention, bidirectional, decodeWeights, unreadable.ToEquatableArray()));
    }

    /// <summary>The named arguments whose expressions have a compiler error (a wrong type, not a constant, an unknown name).</summary>
    private static HashSet<string> RejectedArguments(AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        var rejected = new HashSet<string>();
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list } syntax
            || !compilation.ContainsSyntaxTree(syntax.SyntaxTree))
        {
            return rejected;
        }
        var model = compilation.GetSemanticModel(syntax.SyntaxTree);
        foreach (var argument in list.Arguments)
        {
            if (argument.NameEquals is { } name
                && model.GetDiagnostics(argument.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                rejected.Add(name.Name.Identifier.ValueText);
            }
        }
        return rejected;
    }

    private static bool IsPartialEverywhere(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }
        return true;
    }
}
